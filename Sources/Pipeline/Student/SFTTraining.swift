import Foundation

/// The SFT job: a stored sample and a knowledge format → training rows → files → a trained
/// model (a LoRA adapter on this machine, or by the configured trainer command) → a registered
/// student that `sft` and `icl+sft` cells use. Nothing is registered unless training finished.
public struct SFTTraining: Sendable {
    public let workspace: Workspace
    public let config: WorkspaceConfig
    /// Names the configuration in errors about the sample.
    public let configFile: String
    public let sample: String
    /// The knowledge in each row's prompt; nil: none (zero-shot rows).
    public let format: KnowledgeFormat?
    public let name: String
    /// The student's folder: data/, adapter.gguf, training.json, loss.json, train.log.
    public let folder: String
    /// A curated knowledge set whose entries replace the teacher's items it holds in every row.
    public var knowledgeSet: KnowledgeSetRecord?
    /// Whether rows carry the knowledge in their input (`icl+sft`, the default) or not (`sft`).
    public var shape = SFTExport.PromptShape.inContext

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
            throw DataError(file: workspace.path ?? "the workspace", field: "sample", "no stored sample '\(sample)'")
        }
        guard !stored.sessionList.isEmpty else {
            throw DataError(
                file: workspace.path ?? "the workspace", field: "sample", "the sample '\(sample)' has no sessions")
        }
        let training = datasets.flatMap { dataset in
            dataset.sessions(in: .train).map { SessionReference(domain: dataset.domain, session: $0) }
        }
        let byKey = Dictionary(uniqueKeysWithValues: training.map { ($0.key, $0) })
        return try rows(for: stored.sessionList.compactMap { byKey[$0] }, datasets: datasets)
    }

    /// The SFT rows of `sample` (a stored sample's sessions, or a grid cell's own sample).
    public func rows(for sample: [SessionReference], datasets: [Dataset]) throws -> [SFTExport.Row] {
        let rows = SFTExport.rows(
            sample: sample, datasets: datasets, format: format, knowledge: try workspace.knowledge(),
            curated: knowledgeSet?.entryList ?? [], shape: shape)
        guard !rows.isEmpty else {
            throw DataError(
                file: workspace.path ?? "the workspace", field: "sample",
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

    // MARK: This machine: a LoRA adapter

    /// The LoRA trainer for the local student's base model, installed once when missing.
    public func loraTrainer(report: @Sendable (String) -> Void) throws -> LoRATrainer {
        try LoRATrainer.installed(baseModel: LocalServer(settings: config.local).modelPath, report: report)
    }

    /// Trains an adapter on the rows written by `writeData`, stores its settings and loss curve
    /// beside it and registers the student: the base model served with the adapter.
    public func trainLoRA(
        trainer: LoRATrainer, settings: LoRASettings,
        onEvent: @escaping @Sendable (LoRAEvent) -> Void
    ) async throws -> LoRATrainer.Result {
        let result = try await trainer.train(
            data: folder + "/data/openai.jsonl", folder: folder, settings: settings, onEvent: onEvent)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let record = TrainingRecord(
            settings: settings, rows: result.rows, tokens: result.tokens, answerTokens: result.answerTokens,
            precision: result.precision, wallSeconds: result.wallSeconds, peakMemoryBytes: result.peakResidentBytes,
            base: trainer.baseModel)
        let trainingConfig = String(decoding: try encoder.encode(record), as: UTF8.self)
        let lossCurve = String(decoding: try encoder.encode(result.steps), as: UTF8.self)
        try Data(trainingConfig.utf8).write(to: URL(fileURLWithPath: folder + "/training.json"), options: .atomic)
        try Data(lossCurve.utf8).write(to: URL(fileURLWithPath: folder + "/loss.json"), options: .atomic)
        try workspace.register(
            StudentModelRecord(
                name: name, createdAt: Date(), sample: sample, knowledge: formatName,
                baseURL: FineTunedStudent.baseURL(config), model: name, command: "LoRA (scripts/train_lora.py)",
                outputDir: folder, modelPath: trainer.baseModel, trainingConfig: trainingConfig, lossCurve: lossCurve,
                adapterPath: result.adapter))
        return result
    }
}

/// The training settings and measurements stored with a locally fine-tuned student.
struct TrainingRecord: Codable {
    let settings: LoRASettings
    let rows: Int
    let tokens: Int
    /// The tokens that carry the loss (the answers and their end-of-turn tokens).
    let answerTokens: Int
    let precision: String
    let wallSeconds: Double
    let peakMemoryBytes: Int64
    let base: String
}
