import Foundation
import Testing
@testable import Pipeline

struct LoRAEventTests {
    /// Lines as `scripts/train_lora.py` prints them (json.dumps of its fields), written by hand.
    @Test func parsesTheTrainersJSONLines() {
        #expect(
            LoRAEvent.parse(
                #"{"event": "start", "rows": 4, "tokens": 1186, "answer_tokens": 153, "steps": 6, "device": "cpu", "precision": "fp32", "threads": 2}"#)
                == .started(rows: 4, tokens: 1186, answerTokens: 153, steps: 6, precision: "fp32"))
        #expect(
            LoRAEvent.parse(
                #"{"event": "step", "epoch": 1, "epochs": 3, "step": 2, "steps": 6, "loss": 2.5, "tokens_per_s": 41.25, "answer_tokens_per_s": 5.5, "eta_s": 57.0}"#)
                == .step(
                    LoRAStep(
                        epoch: 1, epochs: 3, step: 2, steps: 6, loss: 2.5, tokensPerSecond: 41.25,
                        answerTokensPerSecond: 5.5, etaSeconds: 57)))
        #expect(LoRAEvent.parse(#"{"event": "epoch", "epoch": 2, "loss": 1.75}"#) == .epoch(2, loss: 1.75))
        #expect(
            LoRAEvent.parse(
                #"{"event": "done", "adapter": "out/adapter", "base": "b", "wall_s": 71.5, "losses": [2.0, 1.5], "peak_rss_bytes": 4096}"#)
                == .finished(adapter: "out/adapter", wallSeconds: 71.5, peakResidentBytes: 4096, losses: [2.0, 1.5]))
        #expect(LoRAEvent.parse("Loading weights: 100%|██████████| 272/272") == nil)
        #expect(LoRAEvent.parse(#"{"event": "step", "epoch": 1}"#) == nil)
    }

    @Test func theScriptGetsEverySetting() {
        var settings = LoRASettings()
        settings.targets = ["q_proj", "v_proj"]
        settings.maxSteps = 3
        settings.threads = 1
        #expect(
            settings.arguments == [
                "--epochs", "2", "--lr", "0.0003", "--rank", "16", "--alpha", "32", "--batch", "2", "--targets",
                "q_proj,v_proj", "--threads", "1", "--seed", "42", "--max-steps", "3",
            ])
    }

    @Test func aStudentWithAnAdapterIsServedOnItsBase() {
        let student = StudentModelRecord(
            name: "s", createdAt: Date(), sample: "few", knowledge: "rules", baseURL: "http://127.0.0.1:18087/v1",
            model: "s", command: "LoRA", outputDir: "/x", modelPath: "/m/base.gguf", adapterPath: "/x/adapter.gguf")
        let settings = FineTunedStudent.serverSettings(for: student, config: WorkspaceConfig())
        #expect(settings.modelPath == "/m/base.gguf" && settings.port == 18087 && settings.alias == "s")
        #expect(settings.extraArguments == ["--lora", "/x/adapter.gguf"])
    }
}

/// A tiny real LoRA fine-tune of the local SmolLM2 (`make test` installs the trainer with
/// scripts/setup-lora.sh), served back by llama-server with the adapter.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["LLM_BASE_URL"] != nil,
        "skipped: LLM_BASE_URL is not set (make test installs the local model and sets it)"), .serialized)
struct RealLoRATests {
    let baseURL = ProcessInfo.processInfo.environment["LLM_BASE_URL"] ?? ""

    func trainer() throws -> LoRATrainer {
        try LoRATrainer.installed(baseModel: LocalServer(settings: WorkspaceConfig().local).modelPath) { _ in }
    }

    func rows() throws -> [SFTExport.Row] {
        let dataset = try Preprocessing.prepare(
            try DataSource.load(path: "sessions/demo.jsonl").first { $0.domain == "food" }!)
        let sample = dataset.sessions(in: .train).prefix(2).map { SessionReference(domain: "food", session: $0) }
        return SFTExport.rows(sample: Array(sample), datasets: [dataset], format: nil, knowledge: [])
    }

    func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "bundlekd-lora-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        return folder
    }

    /// POSTs JSON to the running local server (llama-server's own endpoints) and decodes the answer.
    func post<T: Decodable>(_ path: String, _ body: [String: Any], as: T.Type, base: String? = nil) async throws -> T {
        var request = HTTPRequest(url: (base ?? baseURL).replacingOccurrences(of: "/v1", with: "") + path)
        request.method = body.isEmpty ? "GET" : "POST"
        request.headers = ["Content-Type: application/json"]
        if !body.isEmpty { request.body = try JSONSerialization.data(withJSONObject: body) }
        let bytes = Bytes()
        let result = await CurlTransport.run(request) { _, chunk in bytes.append(chunk); return true }
        try #require(result.status == 200, "\(path): HTTP \(result.status) \(result.curlMessage)")
        return try JSONDecoder().decode(T.self, from: bytes.data)
    }

    struct Tokens: Decodable { let tokens: [Int] }
    struct Template: Decodable { let prompt: String }
    struct Mask: Decodable { let ids: [Int]; let labels: [Int] }

    /// The mask, checked against llama-server — a second tokenizer and chat template: every token
    /// of the served prompt (system turn, user turn, assistant header) is -100; exactly the
    /// answer and its end-of-turn token carry the loss.
    @Test func onlyTheAnswerCarriesTheLoss() async throws {
        let trainer = try trainer()
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let row = try #require(try rows().first)
        try SFTExport.write([row], to: folder + "/data", name: "mask")
        let output = Pipe()
        let process = try ChildProcess.spawn(
            trainer.python,
            [
                trainer.script, "--data", folder + "/data/openai.jsonl", "--base-gguf", trainer.baseModel,
                "--hf-cache", trainer.hfCache, "--output", folder, "--masks-only",
            ], stdout: output.fileHandleForWriting.fileDescriptor)
        try output.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(await process.exit() == 0)
        let mask = try JSONDecoder().decode(Mask.self, from: Data(try #require(text.split(separator: "\n").last).utf8))
        let prompt = try await post(
            "/apply-template", ["messages": [["role": "user", "content": row.input]]], as: Template.self
        ).prompt
        let promptTokens = try await post("/tokenize", ["content": prompt], as: Tokens.self).tokens
        let whole = try await post("/tokenize", ["content": prompt + row.output + "<|im_end|>"], as: Tokens.self).tokens
        let answerTokens = whole.count - promptTokens.count
        #expect(mask.ids == whole)
        #expect(mask.labels == Array(repeating: -100, count: promptTokens.count) + whole.suffix(answerTokens))
        #expect(answerTokens > 5 && promptTokens.count > 100)
    }

    @Test func aTinyFineTuneLowersTheLossAndChangesTheAnswers() async throws {
        let trainer = try trainer()
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rows = try rows()
        #expect(rows.count == 2)
        try SFTExport.write(rows, to: folder + "/data", name: "tiny")
        var settings = LoRASettings()
        settings.epochs = 3
        settings.learningRate = 5e-4
        let result = try await trainer.train(data: folder + "/data/openai.jsonl", folder: folder, settings: settings) {
            _ in
        }
        print(
            "tiny LoRA fine-tune: loss per epoch \(result.epochLosses), \(result.wallSeconds) s, "
                + "\(result.steps.last?.tokensPerSecond ?? 0) tok/s, peak \(result.peakResidentBytes / 1_048_576) MiB")
        try #require(result.epochLosses.count == 3, "expected a loss for each of 3 epochs, got \(result.epochLosses)")
        #expect(result.epochLosses.last! < result.epochLosses.first!, "the loss did not go down: \(result.epochLosses)")
        #expect(result.steps.count == 3 && result.rows == 2)
        #expect(FileManager.default.fileExists(atPath: folder + "/adapter.gguf"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/adapter.gguf.part"))
        // The base model served with the adapter: the server lists it, and greedy answers to the first
        // training prompt differ from the plain base model's (the running local server).
        var served = WorkspaceConfig().local
        served.port = 18095
        served.slots = 1
        served.extraArguments = ["--lora", result.adapter]
        let server = LocalServer(settings: served)
        try await server.start()
        defer { server.stop() }
        struct Adapter: Decodable { let path: String; let scale: Double }
        let adapters = try await post("/lora-adapters", [:], as: [Adapter].self, base: served.baseURL)
        #expect(adapters.map(\.path) == [result.adapter] && adapters.first?.scale == 1)
        func answer(_ url: String) async throws -> String {
            let endpoint = EndpointConfig(baseURLs: [url], model: "local", maxConcurrency: 1, maxTokens: 40, seed: 7)
            let request = ChatRequest(
                model: "local", messages: [.user(rows[0].input)], temperature: 0, maxTokens: 40, seed: 7)
            return try await ChatClient(endpoint: endpoint).complete(request).response.text
        }
        let before = try await answer(baseURL)
        let after = try await answer(served.baseURL)
        print("base: \(before)\nLoRA: \(after)")
        #expect(before != after)
    }
}

final class Bytes: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    func append(_ chunk: [UInt8]) { lock.withLock { bytes += chunk } }
    var data: Data { lock.withLock { Data(bytes) } }
}
