import Foundation

/// The SFT job: a stored sample and a knowledge format → training rows → files → a trained
/// model (on this CPU with llama.cpp's trainer, or by the configured trainer command) → a
/// registered student that `sft` and `icl+sft` cells use. Nothing is registered unless
/// training finished.
public struct SFTTraining: Sendable {
    public let workspace: Workspace
    public let config: WorkspaceConfig
    /// Names the configuration in errors about the sample.
    public let configFile: String
    public let sample: String
    /// The knowledge in each row's prompt; nil: none (zero-shot rows).
    public let format: KnowledgeFormat?
    public let name: String
    /// The student's folder: data/, train.txt, model.gguf, training.json, loss.json.
    public let folder: String

    public init(
        workspace: Workspace, config: WorkspaceConfig, configFile: String, sample: String,
        format: KnowledgeFormat?, name: String, folder: String
    ) {
        self.workspace = workspace
        self.config = config
        self.configFile = configFile
        self.sample = sample
        self.format = format
        self.name = name
        self.folder = folder
    }

    public var formatName: String { format?.stageName ?? FormatSet.zeroShotLabel }

    /// The SFT rows of the sample: each session's test-time prompt with the format's knowledge.
    public func rows(datasets: [Dataset]) throws -> [SFTExport.Row] {
        guard let stored = try workspace.sample(named: sample) else {
            throw DataError(file: configFile, field: "sample", "no stored sample '\(sample)'")
        }
        guard !stored.sessionList.isEmpty else {
            throw DataError(file: configFile, field: "sample", "the sample '\(sample)' has no sessions")
        }
        let training = datasets.flatMap { dataset in
            dataset.sessions(in: .train).map { SessionReference(domain: dataset.domain, session: $0) }
        }
        let byKey = Dictionary(uniqueKeysWithValues: training.map { ($0.key, $0) })
        let rows = SFTExport.rows(
            sample: stored.sessionList.compactMap { byKey[$0] }, datasets: datasets,
            format: format, knowledge: try workspace.knowledge())
        guard !rows.isEmpty else {
            throw DataError(
                file: configFile, field: "sample",
                "no rows: the sample has no session with \(formatName) knowledge (run 'bundlekd extract' first)")
        }
        return rows
    }

    /// Writes the rows as OpenAI and LLaMA-Factory files into `folder/data`.
    public func writeData(_ rows: [SFTExport.Row]) throws {
        try SFTExport.write(rows, to: folder + "/data", name: "bundlekd_\(formatName)")
    }

    // MARK: An external trainer

    /// The configured trainer command with this job's values filled in.
    public func trainerCommand(epochs: Int, rank: Int?, learningRate: Double) throws -> String {
        guard let template = config.trainerCommand else {
            throw LLMError.notConfigured("--trainer command needs [trainer] command = \"…\" in \(configFile)")
        }
        return Trainer.render(
            template,
            values: [
                "data_dir": folder + "/data", "dataset": "bundlekd_\(formatName)_alpaca",
                "openai_file": folder + "/data/openai.jsonl",
                "output_dir": folder + "/model", "name": name, "epochs": "\(epochs)",
                "rank": rank.map(String.init) ?? "",
                "lr": "\(learningRate)",
            ])
    }

    /// Runs `command` and registers its model, served at `[trainer] serve_url`; returns that URL.
    public func runExternal(_ command: String) throws -> String {
        let status = try Trainer.run(command)
        guard status == 0 else {
            throw LLMError.notConfigured("the trainer exited with status \(status); no student was registered")
        }
        let url = config.trainerServeURL ?? config.student.baseURLs[0]
        try workspace.register(
            StudentModelRecord(
                name: name, createdAt: Date(), sample: sample, knowledge: formatName,
                baseURL: url, model: name, command: command, outputDir: folder + "/model"))
        return url
    }

    // MARK: This machine's CPU

    /// What a local fine-tune did, for the command's summary line.
    public struct LocalResult: Sendable {
        public let rows: Int
        public let result: FineTuneResult
        public let model: String
    }

    /// llama-finetune and llama-quantize, installing the trainer once when it is missing.
    public func localTools(report: @Sendable (String) -> Void) throws -> LocalFineTune {
        let directory = ProcessInfo.processInfo.environment["SFT_DIR"] ?? NSHomeDirectory() + "/.cache/bundlekd/sft"
        let finetune = directory + "/bin/llama-finetune"
        if !FileManager.default.isExecutableFile(atPath: finetune) {
            guard let script = ResourceLocator.find("scripts/setup-sft.sh") else {
                throw LLMError.notConfigured("llama-finetune is not installed and scripts/setup-sft.sh was not found")
            }
            report("installing llama-finetune (once; a few minutes)")
            guard try Trainer.run("'\(script)'") == 0, FileManager.default.isExecutableFile(atPath: finetune) else {
                throw LLMError.notConfigured("installing llama-finetune failed (\(script))")
            }
        }
        let server = LocalServer(settings: config.local)
        guard FileManager.default.fileExists(atPath: server.modelPath) else {
            throw LLMError.notConfigured("the base model \(server.modelPath) is missing; run 'make llm'")
        }
        return LocalFineTune(
            finetuneBinary: finetune, quantizeBinary: try server.toolPath("llama-quantize"),
            baseModel: server.modelPath, cacheDirectory: directory)
    }

    /// Trains on `rows` with `tools`, stores the settings and loss curve beside the model and
    /// registers the student (served by its own llama-server when a cell needs it).
    public func trainLocally(
        _ rows: [SFTExport.Row], tools: LocalFineTune, settings: FineTuneSettings,
        onStep: @escaping @Sendable (FineTuneStep) -> Void
    ) async throws -> LocalResult {
        let text = LocalFineTune.trainingText(rows)
        let textFile = folder + "/train.txt"
        try Data(text.utf8).write(to: URL(fileURLWithPath: textFile), options: .atomic)
        let tokens = ICLPromptBuilder.tokens(text)
        let model = folder + "/model.gguf"
        let result = try await tools.train(
            textFile: textFile, output: model, settings: settings, trainingTokens: tokens, onStep: onStep)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let record = TrainingRecord(
            settings: settings, rows: rows.count, tokens: tokens, wallSeconds: result.wallSeconds,
            peakMemoryBytes: result.peakMemoryBytes, base: tools.baseModel)
        let trainingConfig = String(decoding: try encoder.encode(record), as: UTF8.self)
        let lossCurve = String(decoding: try encoder.encode(result.steps), as: UTF8.self)
        try Data(trainingConfig.utf8).write(to: URL(fileURLWithPath: folder + "/training.json"), options: .atomic)
        try Data(lossCurve.utf8).write(to: URL(fileURLWithPath: folder + "/loss.json"), options: .atomic)
        try workspace.register(
            StudentModelRecord(
                name: name, createdAt: Date(), sample: sample, knowledge: formatName,
                baseURL: FineTunedStudent.baseURL(config),
                model: name, command: "llama-finetune (local CPU)", outputDir: folder, modelPath: model,
                trainingConfig: trainingConfig, lossCurve: lossCurve))
        return LocalResult(rows: rows.count, result: result, model: model)
    }
}

/// The training settings and measurements stored with a locally fine-tuned student.
struct TrainingRecord: Codable {
    let settings: FineTuneSettings
    let rows: Int
    let tokens: Int
    let wallSeconds: Double
    let peakMemoryBytes: Int
    let base: String
}
