import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd sft export`: fine-tuning files from a stored sample and a knowledge format.
struct SFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sft", abstract: "Supervised fine-tuning data for the student.",
        subcommands: [SFTExportCommand.self, SFTTrainCommand.self])
}

struct SFTExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write OpenAI chat JSONL and LLaMA-Factory alpaca/sharegpt files for a sample and format.")

    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "A stored sample name (see 'bundlekd extract --sample').") var sample: String
    @Option(name: .customLong("knowledge"), help: "none, patterns, rules or thoughts.") var knowledgeFormat:
        SFTKnowledge = .none
    @Option(help: "The folder to write into.") var output: String

    func run() throws {
        try reportingFailures {
            let config = try workspace.loadConfig()
            let job = SFTTraining(
                workspace: try workspace.openWorkspace(config), config: config, configFile: workspace.config,
                sample: sample, format: knowledgeFormat.format, name: "export", folder: output)
            let rows = try job.rows(datasets: source.loadPrepared())
            try SFTExport.write(rows, to: output, name: "bundlekd_\(job.formatName)")
            print("wrote \(rows.count) rows to \(output): openai.jsonl, alpaca.json, sharegpt.json, dataset_info.json")
        }
    }
}

/// `bundlekd sft train`: fine-tune the student on a sample and a knowledge format — on this
/// machine's CPU with llama.cpp's trainer, or with the trainer command configured in bundlekd.toml.
struct SFTTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fine-tune the student on a stored sample and a knowledge format, and register it.",
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
    @Option(name: [.customLong("format"), .customLong("knowledge")], help: "none, patterns, rules or thoughts.")
    var knowledgeFormat: SFTKnowledge = .none
    @Option(help: "The name to register the fine-tuned student under. Default: sft-FORMAT-SAMPLE.") var name: String?
    @Option(help: "local or command. Default: command when bundlekd.toml has [trainer] command, else local.")
    var trainer: TrainerKind?
    @Option(help: "Training epochs.") var epochs: Int = 1
    @Option(help: "Learning rate (AdamW).") var lr: Double = 1e-4
    @Option(help: "LoRA rank, for trainer commands that use one ({rank}); the local trainer tunes all weights.")
    var rank: Int?
    @Option(help: "Training context in tokens, a multiple of 256 (local trainer).") var context: Int = 256
    @Option(help: "Where an external trainer's data and output go. Default: students/NAME beside the workspace.")
    var output: String?

    var studentName: String { name ?? "sft-\(knowledgeFormat.rawValue)-\(sample)" }

    func validate() throws {
        guard epochs >= 1, lr > 0 else { throw ValidationError("--epochs must be at least 1 and --lr above 0") }
        // llama.cpp pads a context to a multiple of 256, and the trainer needs batch = context.
        guard context >= 256, context % 256 == 0 else {
            throw ValidationError("--context must be a multiple of 256, got \(context)")
        }
    }

    func run() async throws {
        let config = try workspace.loadConfig()
        let useCommand = trainer == .command || (trainer == nil && config.trainerCommand != nil)
        let folder = output ?? FineTunedStudent.folder(name: studentName, databasePath: workspace.databasePath(config))
        let (job, rows) = try reportingFailures {
            let job = SFTTraining(
                workspace: try workspace.openWorkspace(config), config: config, configFile: workspace.config,
                sample: sample, format: knowledgeFormat.format, name: studentName, folder: folder)
            let rows = try job.rows(datasets: source.loadPrepared())
            try job.writeData(rows)
            return (job, rows)
        }
        if useCommand {
            let command = try reportingFailures {
                try job.trainerCommand(epochs: self.epochs, rank: rank, learningRate: self.lr)
            }
            try await runCommand {
                StatusLine.print("bundlekd: running the trainer: \(command)")
                let url = try job.runExternal(command)
                print("registered fine-tuned student '\(job.name)' (served at \(url))")
            }
            return
        }
        var settings = FineTuneSettings()
        settings.epochs = epochs
        settings.learningRate = lr
        settings.contextSize = context
        settings.rank = rank
        let (epochs, context, lr, chosen) = (self.epochs, self.context, self.lr, settings)
        try await runCommand(
            cancelOnInterrupt: true, resumeHint: "; no student was registered, run the same command again to restart"
        ) {
            let tools = try job.localTools(report: LLMSession.toStandardError)
            let tokens = ICLPromptBuilder.tokens(LocalFineTune.trainingText(rows))
            StatusLine.print(
                "bundlekd: fine-tuning \(config.local.alias) on \(rows.count) rows (≈\(tokens) tokens), \(epochs) epochs, "
                    + "lr \(lr), context \(context), \(chosen.threads) threads")
            let bar = FineTuneProgressBar(epochs: epochs, contextSize: context)
            let done = try await job.trainLocally(rows, tools: tools, settings: chosen) { bar.show($0) }
            let losses = done.result.epochLosses.map { String(format: "%.3f", $0) }.joined(separator: " → ")
            print(
                String(
                    format: "registered fine-tuned student '%@': %d rows, %d epochs, loss per epoch %@; %.1f s wall, "
                        + "peak memory %.0f MiB; model %@", job.name, done.rows, epochs, losses,
                    done.result.wallSeconds,
                    Double(done.result.peakMemoryBytes) / 1_048_576, done.model))
        }
    }
}

/// The knowledge an SFT row's prompt carries.
enum SFTKnowledge: String, CaseIterable, ExpressibleByArgument {
    case none, patterns, rules, thoughts
    var format: KnowledgeFormat? { KnowledgeFormat(stageName: rawValue) }
}

/// Who trains: llama.cpp's trainer on this CPU, or the `[trainer] command` of bundlekd.toml.
enum TrainerKind: String, CaseIterable, ExpressibleByArgument {
    case local, command
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
        let line = String(
            format: "epoch %d/%d · step %d/%d · loss %.4f · accuracy %.1f%% · %.0f tok/s · ETA %d:%02d",
            step.epoch + 1, epochs, step.done, step.total, step.loss, step.accuracy * 100, rate,
            step.etaSeconds / 60, step.etaSeconds % 60)
        // The trainer may report an epoch's last step twice; it ends the line once.
        let final = step.done == step.total && step.epoch != lastEpochPrinted
        if final { lastEpochPrinted = step.epoch }
        StatusLine.show(line, final: final)
    }

}
