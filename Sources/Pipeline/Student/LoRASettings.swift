import Foundation

/// Settings of a LoRA fine-tune by `scripts/train_lora.py` (PEFT; the loss on the answer only).
/// The defaults train 300 rows of the 135M student in minutes on 2 cores.
public struct LoRASettings: Sendable, Equatable, Codable {
    public var epochs = 2
    public var learningRate = 3e-4
    public var rank = 16
    public var alpha = 32
    public var batch = 2
    /// Every attention and MLP projection of the Llama/Qwen blocks.
    public var targets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    public var threads = ChildEnvironment.trainerThreads
    /// Stop after this many optimizer steps (nil: all epochs) — for quick tests.
    public var maxSteps: Int?
    public var seed = 42

    public init() {}

    /// The script's options for these settings.
    var arguments: [String] {
        [
            "--epochs", "\(epochs)", "--lr", "\(learningRate)", "--rank", "\(rank)", "--alpha", "\(alpha)",
            "--batch", "\(batch)", "--targets", targets.joined(separator: ","), "--threads", "\(threads)",
            "--seed", "\(seed)",
        ] + (maxSteps.map { ["--max-steps", "\($0)"] } ?? [])
    }
}

/// One optimizer step as the trainer reports it.
public struct LoRAStep: Sendable, Equatable, Codable {
    public var epoch: Int
    public var epochs: Int
    public var step: Int
    public var steps: Int
    /// The batch's loss over its answer tokens only.
    public var loss: Double
    public var tokensPerSecond: Double
    public var answerTokensPerSecond: Double
    public var etaSeconds: Double

    /// `epoch 1/2 · step 3/20 · loss 1.2345 · 48 tok/s (6 answer) · ETA 1:05`, for progress lines.
    public var summary: String {
        let eta = Int(etaSeconds.rounded())
        return String(
            format: "epoch %d/%d · step %d/%d · loss %.4f · %.0f tok/s (%.0f answer) · ETA %d:%02d", epoch, epochs,
            step, steps, loss, tokensPerSecond, answerTokensPerSecond, eta / 60, eta % 60)
    }

    enum CodingKeys: String, CodingKey {
        case epoch, epochs, step, steps, loss
        case tokensPerSecond = "tokens_per_s", answerTokensPerSecond = "answer_tokens_per_s", etaSeconds = "eta_s"
    }
}

/// A line of the trainer's JSON-lines progress (its stdout); anything else on it is not progress.
public enum LoRAEvent: Sendable, Equatable {
    case started(rows: Int, tokens: Int, answerTokens: Int, steps: Int, precision: String)
    case step(LoRAStep)
    case epoch(Int, loss: Double)
    case finished(adapter: String, wallSeconds: Double, peakResidentBytes: Int64, losses: [Double])

    private struct Line: Decodable {
        let event: String
        var rows, tokens, steps, epoch: Int?
        var answer_tokens: Int?
        var precision, adapter: String?
        var loss, wall_s: Double?
        var peak_rss_bytes: Int64?
        var losses: [Double]?
    }

    public static func parse(_ text: String) -> LoRAEvent? {
        let data = Data(text.utf8)
        guard let line = try? JSONDecoder().decode(Line.self, from: data) else { return nil }
        switch line.event {
        case "start":
            guard let rows = line.rows, let tokens = line.tokens, let answer = line.answer_tokens,
                let steps = line.steps
            else { return nil }
            return .started(
                rows: rows, tokens: tokens, answerTokens: answer, steps: steps, precision: line.precision ?? "")
        case "step":
            return (try? JSONDecoder().decode(LoRAStep.self, from: data)).map(LoRAEvent.step)
        case "epoch":
            guard let epoch = line.epoch, let loss = line.loss else { return nil }
            return .epoch(epoch, loss: loss)
        case "done":
            guard let adapter = line.adapter, let wall = line.wall_s, let losses = line.losses else { return nil }
            return .finished(
                adapter: adapter, wallSeconds: wall, peakResidentBytes: line.peak_rss_bytes ?? 0, losses: losses)
        default:
            return nil
        }
    }
}
