import Foundation
import Testing
@testable import Pipeline

struct FineTuneLogTests {
    /// A line written from ggml-opt's printf format by hand: "%s[" bar "] data=%07d/%07d
    /// loss=%.5lf±%.5lf acc=%.2lf±%.2lf%% t=%02d:%02d:%02d ETA=%02d:%02d:%02d ".
    @Test func parsesTheTrainersProgressBar() throws {
        let step = try #require(
            FineTuneStep.parse(
                "train: [███▌    ] data=0000012/0000032 loss=2.71828±0.04000 acc=41.50±1.20% t=00:01:05 ETA=00:01:48 ",
                epoch: 1))
        #expect(
            step
                == FineTuneStep(
                    epoch: 1, validation: false, done: 12, total: 32, loss: 2.71828, accuracy: 0.415,
                    elapsedSeconds: 65, etaSeconds: 108))
        let validation = try #require(
            FineTuneStep.parse(
                "val:   [████████] data=0000002/0000002 loss=3.00000±0.00000 acc=30.00±0.00% t=00:00:01 ETA=00:00:00 ",
                epoch: 0))
        #expect(validation.validation && validation.loss == 3.0)
        #expect(FineTuneStep.parse("llama_model_loader: loaded meta data", epoch: 0) == nil)
        #expect(FineTuneStep.parse("train: [        ] data=garbage", epoch: 0) == nil)
    }

    @Test func anEpochEndsWhenTheTrainingBarStartsOver() {
        let steps = StepsBox()
        let collector = StepCollector { steps.add($0) }
        let bar = { (done: Int, loss: Double) in
            "train: [ ] data=\(String(format: "%07d", done))/0000004 loss=\(loss)±0.1 acc=10.00±1.00% t=00:00:01 ETA=00:00:01 \r"
        }
        collector.feed(Data((bar(2, 3.0) + bar(4, 2.5) + "\n" + bar(2, 2.0)).utf8))
        collector.feed(Data((bar(4, 1.5) + "\n").utf8))
        #expect(steps.all.map(\.epoch) == [0, 0, 1, 1])
        #expect(
            FineTuneResult(steps: steps.all, wallSeconds: 1, peakMemoryBytes: 0, trainingTokens: 0).epochLosses == [
                2.5, 1.5,
            ])
    }

    @Test func trainingTextIsTheServedChatTemplate() {
        let text = LocalFineTune.trainingText([
            SFTExport.Row(session: "food/s1", input: "Products: tea", output: "{\"bundles\": []}")
        ])
        #expect(
            text
                == "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                + "<|im_start|>user\nProducts: tea<|im_end|>\n<|im_start|>assistant\n{\"bundles\": []}<|im_end|>\n")
    }
}

final class StepsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var steps: [FineTuneStep] = []
    func add(_ step: FineTuneStep) { lock.withLock { steps.append(step) } }
    var all: [FineTuneStep] { lock.withLock { steps } }
}

/// A tiny real fine-tune of the local SmolLM2 with llama.cpp's trainer (`make test` installs it
/// with scripts/setup-sft.sh), served back by llama-server.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["LLM_BASE_URL"] != nil,
        "skipped: LLM_BASE_URL is not set (make test installs the local model and sets it)"), .serialized)
struct RealFineTuneTests {
    static let sftDirectory =
        ProcessInfo.processInfo.environment["SFT_DIR"] ?? NSHomeDirectory() + "/.cache/bundlekd/sft"

    func tools() throws -> LocalFineTune {
        let finetune = Self.sftDirectory + "/bin/llama-finetune"
        try #require(
            FileManager.default.isExecutableFile(atPath: finetune),
            "llama-finetune is missing: run scripts/setup-sft.sh (make test does)")
        let server = LocalServer(settings: WorkspaceConfig().local)
        return LocalFineTune(
            finetuneBinary: finetune, quantizeBinary: try server.toolPath("llama-quantize"),
            baseModel: server.modelPath, cacheDirectory: Self.sftDirectory)
    }

    /// The answer of a model served on its own port to the first training prompt (greedy).
    func answer(model path: String, port: Int, prompt: String) async throws -> String {
        var settings = WorkspaceConfig().local
        settings.port = port
        settings.modelPath = path
        settings.slots = 1
        settings.extraArguments = FineTunedStudent.contextOverride
        let server = LocalServer(settings: settings)
        try await server.start()
        defer { server.stop() }
        let endpoint = EndpointConfig(
            baseURLs: [settings.baseURL], model: "local", maxConcurrency: 1, maxTokens: 40, seed: 7)
        let request = ChatRequest(model: "local", messages: [.user(prompt)], temperature: 0, maxTokens: 40, seed: 7)
        return try await ChatClient(endpoint: endpoint).complete(request).response.text
    }

    @Test func aTinyFineTuneLowersTheLossAndChangesTheAnswers() async throws {
        let tools = try tools()
        let dataset = try Preprocessing.prepare(
            try DataSource.load(path: "sessions/demo.jsonl").first { $0.domain == "food" }!)
        let sample = dataset.sessions(in: .train).prefix(2).map { SessionReference(domain: "food", session: $0) }
        let rows = SFTExport.rows(sample: Array(sample), datasets: [dataset], format: nil, knowledge: [])
        #expect(rows.count == 2)
        let folder = NSTemporaryDirectory() + "bundlekd-ft-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = LocalFineTune.trainingText(rows)
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/train.txt"))
        var settings = FineTuneSettings()
        settings.epochs = 2
        settings.learningRate = 5e-4
        let result = try await tools.train(
            textFile: folder + "/train.txt", output: folder + "/model.gguf", settings: settings,
            trainingTokens: ICLPromptBuilder.tokens(text)
        ) { _ in }
        print(
            "tiny fine-tune: loss per epoch \(result.epochLosses), \(result.wallSeconds) s, peak \(result.peakMemoryBytes / 1_048_576) MiB"
        )
        let losses = result.epochLosses
        try #require(losses.count == 2, "expected a loss for each of 2 epochs, got \(losses)")
        #expect(losses.last! < losses.first!, "the loss did not go down: \(losses)")
        #expect(FileManager.default.fileExists(atPath: folder + "/model.gguf"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/model.gguf.part"))
        // Same prompt, same greedy decoding: the untrained F32 base and the fine-tuned model.
        let prompt = rows[0].input
        let before = try await answer(model: try tools.f32Base(), port: 18093, prompt: prompt)
        let after = try await answer(model: folder + "/model.gguf", port: 18094, prompt: prompt)
        print("base: \(before)\ntuned: \(after)")
        #expect(before != after)
    }
}
