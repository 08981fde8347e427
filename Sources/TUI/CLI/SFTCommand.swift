import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd sft export`: fine-tuning files from a stored sample and a knowledge format.
struct SFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sft", abstract: "Supervised fine-tuning data for the student.",
                                                    subcommands: [SFTExportCommand.self, SFTTrainCommand.self])
}

struct SFTExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write OpenAI chat JSONL and LLaMA-Factory alpaca/sharegpt files for a sample and format.")

    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "A stored sample name (see 'bundlekd extract --sample').") var sample: String
    @Option(name: .customLong("knowledge"), help: "none, patterns, rules or thoughts.") var knowledgeFormat: String = "none"
    @Option(help: "The folder to write into.") var output: String

    func run() throws {
        try reportingFailures {
            let config = try workspace.loadConfig()
            let rows = try SFTRows.load(source: source, workspace: workspace, config: config, sample: sample, format: knowledgeFormat)
            try SFTExport.write(rows, to: output, name: "bundlekd_\(knowledgeFormat)")
            print("wrote \(rows.count) rows to \(output): openai.jsonl, alpaca.json, sharegpt.json, dataset_info.json")
        }
    }
}

/// `bundlekd sft train`: fine-tune the student on a sample and a knowledge format — on this
/// machine's CPU with llama.cpp's trainer, or with the trainer command configured in bundlekd.toml.
struct SFTTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Fine-tune the student on a stored sample and a knowledge format, and register it.",
        discussion: """
        --trainer local (the default without a [trainer] command) fine-tunes the local SmolLM2 on CPU with llama.cpp's \
        llama-finetune (installed once by scripts/setup-sft.sh) and serves the result with llama-server. --trainer command \
        runs [trainer] command from bundlekd.toml instead (a template with {data_dir}, {dataset}, {openai_file}, \
        {output_dir}, {name}, {epochs}, {rank}, {lr}: a LoRA run on a GPU box or a fine-tuning API); its model is served \
        at [trainer] serve_url. Evaluate with 'bundlekd run --method sft|icl+sft --student NAME'.
        """)

    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "A stored sample name (see 'bundlekd extract --sample').") var sample: String
    @Option(name: [.customLong("format"), .customLong("knowledge")], help: "none, patterns, rules or thoughts.") var knowledgeFormat: String = "none"
    @Option(help: "The name to register the fine-tuned student under. Default: sft-FORMAT-SAMPLE.") var name: String?
    @Option(help: "local or command. Default: command when bundlekd.toml has [trainer] command, else local.") var trainer: String?
    @Option(help: "Training epochs.") var epochs: Int = 1
    @Option(help: "Learning rate (AdamW).") var lr: Double = 1e-4
    @Option(help: "LoRA rank, for trainer commands that use one ({rank}); the local trainer tunes all weights.") var rank: Int?
    @Option(help: "Training context in tokens, a multiple of 256 (local trainer).") var context: Int = 256
    @Option(help: "Where an external trainer's data and output go. Default: students/NAME beside the workspace.") var output: String?

    var studentName: String { name ?? "sft-\(knowledgeFormat)-\(sample)" }

    func validate() throws {
        guard ["none", "patterns", "rules", "thoughts"].contains(knowledgeFormat) else {
            throw ValidationError("--format must be none, patterns, rules or thoughts, got '\(knowledgeFormat)'")
        }
        guard trainer == nil || ["local", "command"].contains(trainer!) else { throw ValidationError("--trainer must be local or command") }
        guard epochs >= 1, lr > 0 else { throw ValidationError("--epochs must be at least 1 and --lr above 0") }
        // llama.cpp pads a context to a multiple of 256, and the trainer needs batch = context.
        guard context >= 256, context % 256 == 0 else { throw ValidationError("--context must be a multiple of 256, got \(context)") }
    }

    func run() throws {
        let config = try workspace.loadConfig()
        let useCommand = trainer == "command" || (trainer == nil && config.trainerCommand != nil)
        let folder = output ?? FineTunedStudent.folder(name: studentName, databasePath: workspace.databasePath(config))
        var rows: [SFTExport.Row] = []
        try reportingFailures {
            rows = try SFTRows.load(source: source, workspace: workspace, config: config, sample: sample, format: knowledgeFormat)
            try SFTExport.write(rows, to: folder + "/data", name: "bundlekd_\(knowledgeFormat)")
        }
        if useCommand { try runCommand(config, folder: folder) } else { try runLocal(config, folder: folder, rows: rows) }
    }

    private func runCommand(_ config: WorkspaceConfig, folder: String) throws {
        guard let template = config.trainerCommand else {
            throw ValidationError("--trainer command needs [trainer] command = \"…\" in \(workspace.config)")
        }
        let command = Trainer.render(template, values: [
            "data_dir": folder + "/data", "dataset": "bundlekd_\(knowledgeFormat)_alpaca", "openai_file": folder + "/data/openai.jsonl",
            "output_dir": folder + "/model", "name": studentName, "epochs": "\(epochs)", "rank": rank.map(String.init) ?? "",
            "lr": "\(lr)"])
        FileHandle.standardError.write(Data("bundlekd: running the trainer: \(command)\n".utf8))
        let status = try Trainer.run(command)
        guard status == 0 else {
            FileHandle.standardError.write(Data("bundlekd: the trainer exited with status \(status); no student was registered\n".utf8))
            throw ExitCode(1)
        }
        try reportingFailures {
            try workspace.openWorkspace(config).register(StudentModelRecord(
                name: studentName, createdAt: Date(), sample: sample, knowledge: knowledgeFormat,
                baseURL: config.trainerServeURL ?? config.student.baseURLs[0], model: studentName, command: command, outputDir: folder + "/model"))
            print("registered fine-tuned student '\(studentName)' (served at \(config.trainerServeURL ?? config.student.baseURLs[0]))")
        }
    }

    private func runLocal(_ config: WorkspaceConfig, folder: String, rows: [SFTExport.Row]) throws {
        let command = self
        try runAsync(cancelOnInterrupt: true, resumeHint: "; no student was registered, run the same command again to restart") {
            try await command.trainLocally(config, folder: folder, rows: rows)
        }
    }

    private func trainLocally(_ config: WorkspaceConfig, folder: String, rows: [SFTExport.Row]) async throws {
        let tools = try SFTTools.locate(config)
        var settings = FineTuneSettings()
        settings.epochs = epochs
        settings.learningRate = lr
        settings.contextSize = context
        settings.rank = rank
        let text = LocalFineTune.trainingText(rows)
        let textFile = folder + "/train.txt"
        try Data(text.utf8).write(to: URL(fileURLWithPath: textFile), options: .atomic)
        let tokens = ICLPromptBuilder.tokens(text)
        FileHandle.standardError.write(Data("bundlekd: fine-tuning \(config.local.alias) on \(rows.count) rows (≈\(tokens) tokens), \(epochs) epochs, lr \(lr), context \(context), \(settings.threads) threads\n".utf8))
        let bar = FineTuneProgressBar(epochs: epochs, contextSize: context)
        let model = folder + "/model.gguf"
        let result = try await tools.train(textFile: textFile, output: model, settings: settings, trainingTokens: tokens) { bar.show($0) }
        let curve = result.epochLosses
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let trainingConfig = String(decoding: try encoder.encode(TrainingRecord(settings: settings, rows: rows.count, tokens: tokens,
                                                                                 wallSeconds: result.wallSeconds, peakMemoryBytes: result.peakMemoryBytes,
                                                                                 base: tools.baseModel)), as: UTF8.self)
        let lossCurve = String(decoding: try encoder.encode(result.steps), as: UTF8.self)
        try Data(trainingConfig.utf8).write(to: URL(fileURLWithPath: folder + "/training.json"), options: .atomic)
        try Data(lossCurve.utf8).write(to: URL(fileURLWithPath: folder + "/loss.json"), options: .atomic)
        try workspace.openWorkspace(config).register(StudentModelRecord(
            name: studentName, createdAt: Date(), sample: sample, knowledge: knowledgeFormat, baseURL: FineTunedStudent.baseURL(config),
            model: studentName, command: "llama-finetune (local CPU)", outputDir: folder, modelPath: model,
            trainingConfig: trainingConfig, lossCurve: lossCurve))
        let losses = curve.map { String(format: "%.3f", $0) }.joined(separator: " → ")
        print(String(format: "registered fine-tuned student '%@': %d rows, %d epochs, loss per epoch %@; %.1f s wall, peak memory %.0f MiB; model %@",
                     studentName, rows.count, epochs, losses, result.wallSeconds, Double(result.peakMemoryBytes) / 1_048_576, model))
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

/// The SFT rows of a stored sample and format, with one-line errors for the bad cases.
enum SFTRows {
    static func load(source: DataOptions, workspace: WorkspaceOptions, config: WorkspaceConfig, sample: String, format: String) throws -> [SFTExport.Row] {
        let store = try workspace.openWorkspace(config)
        guard let stored = try store.sample(named: sample) else {
            throw DataError(file: workspace.config, field: "sample", "no stored sample '\(sample)'")
        }
        guard !stored.sessionList.isEmpty else {
            throw DataError(file: workspace.config, field: "sample", "the sample '\(sample)' has no sessions")
        }
        let datasets = try source.loadPrepared()
        let training = datasets.flatMap { dataset in dataset.sessions(in: .train).map { SessionReference(domain: dataset.domain, session: $0) } }
        let byKey = Dictionary(uniqueKeysWithValues: training.map { ($0.key, $0) })
        let rows = SFTExport.rows(sample: stored.sessionList.compactMap { byKey[$0] }, datasets: datasets,
                                  format: format == "none" ? nil : KnowledgeFormat(stageName: format), knowledge: try store.knowledge())
        guard !rows.isEmpty else {
            throw DataError(file: workspace.config, field: "sample", "no rows: the sample has no session with \(format) knowledge (run 'bundlekd extract' first)")
        }
        return rows
    }
}

/// Finds (installing once when missing) llama-finetune and llama-quantize.
enum SFTTools {
    static func locate(_ config: WorkspaceConfig) throws -> LocalFineTune {
        let directory = ProcessInfo.processInfo.environment["SFT_DIR"] ?? NSHomeDirectory() + "/.cache/bundlekd/sft"
        let finetune = directory + "/bin/llama-finetune"
        if !FileManager.default.isExecutableFile(atPath: finetune) {
            guard let script = ResourceLocator.find("scripts/setup-sft.sh") else {
                throw LLMError.notConfigured("llama-finetune is not installed and scripts/setup-sft.sh was not found")
            }
            FileHandle.standardError.write(Data("bundlekd: installing llama-finetune (once; a few minutes)\n".utf8))
            guard try Trainer.run("'\(script)'") == 0, FileManager.default.isExecutableFile(atPath: finetune) else {
                throw LLMError.notConfigured("installing llama-finetune failed (\(script))")
            }
        }
        let server = LocalServer(settings: config.local)
        guard FileManager.default.fileExists(atPath: server.modelPath) else {
            throw LLMError.notConfigured("the base model \(server.modelPath) is missing; run 'make llm'")
        }
        return LocalFineTune(finetuneBinary: finetune, quantizeBinary: try server.toolPath("llama-quantize"),
                             baseModel: server.modelPath, cacheDirectory: directory)
    }
}

/// The training progress bar on stderr: epoch, step, loss, tokens/s, ETA.
final class FineTuneProgressBar: @unchecked Sendable {
    private let epochs: Int
    private let contextSize: Int
    private var lastEpochPrinted = -1

    init(epochs: Int, contextSize: Int) {
        self.epochs = epochs
        self.contextSize = contextSize
    }

    func show(_ step: FineTuneStep) {
        guard !step.validation else { return }
        let rate = step.elapsedSeconds > 0 ? Double(step.done * contextSize) / Double(step.elapsedSeconds) : 0
        let line = String(format: "epoch %d/%d · step %d/%d · loss %.4f · accuracy %.1f%% · %.0f tok/s · ETA %d:%02d",
                          step.epoch + 1, epochs, step.done, step.total, step.loss, step.accuracy * 100, rate,
                          step.etaSeconds / 60, step.etaSeconds % 60)
        // The trainer may report an epoch's last step twice; it ends the line once.
        let final = step.done == step.total && step.epoch != lastEpochPrinted
        if final { lastEpochPrinted = step.epoch }
        StatusLine.show(line, final: final)
    }

}
