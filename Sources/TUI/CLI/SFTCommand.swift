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
    @Option(
        help:
            """
                What each row's input holds: in-context (the format's knowledge, as an icl+sft cell is tested) \
                or plain (none, as an sft cell is tested).
                """
    )
    var prompt: SFTExport.PromptShape = .inContext
    @Option(help: "A curated knowledge set (NAME or NAME@VERSION) in place of the teacher's items it holds.")
    var knowledgeSet: String?

    func run() throws {
        try reportingFailures {
            let config = try workspace.loadConfig()
            let store = try workspace.openExistingWorkspace(config)
            var job = SFTTraining(
                workspace: store, config: config, configFile: workspace.config,
                sample: sample, format: knowledgeFormat.format, name: "export", folder: output)
            job.knowledgeSet = try knowledgeSet.map(store.requireKnowledgeSet)
            job.shape = prompt
            let rows = try job.rows(datasets: source.loadPrepared())
            try SFTExport.write(rows, to: output, name: "bundlekd_\(job.formatName)")
            print("wrote \(rows.count) rows to \(output): openai.jsonl, alpaca.json, sharegpt.json, dataset_info.json")
        }
    }
}

/// `bundlekd sft train`: fine-tune the student on a sample and a knowledge format — a LoRA
/// adapter on this machine, or with the trainer command configured in bundlekd.toml.
struct SFTTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fine-tune the student on a stored sample and a knowledge format, and register it.",
        discussion: """
            --trainer lora (the default without a [trainer] command) trains a LoRA adapter for the local student \
            on this machine with scripts/train_lora.py (PyTorch + PEFT in a venv that scripts/setup-lora.sh \
            installs once), the loss on the answer only, and serves it with llama-server --lora on the unchanged \
            base model. --trainer command runs [trainer] command from bundlekd.toml instead (a template with \
            {data_dir}, {dataset}, {openai_file}, {output_dir}, {name}, {epochs}, {rank}, {lr}: a LoRA run on a \
            GPU box or a fine-tuning API); its model is served at [trainer] serve_url. Evaluate with 'bundlekd run --method sft|icl+sft --student NAME'.
            """)

    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "A stored sample name (see 'bundlekd extract --sample').") var sample: String
    @Option(name: [.customLong("format"), .customLong("knowledge")], help: "none, patterns, rules or thoughts.")
    var knowledgeFormat: SFTKnowledge = .none
    @Option(
        help:
            """
                What each row's input holds: in-context (the format's knowledge, as an icl+sft cell is tested) \
                or plain (none, as an sft cell is tested).
                """
    )
    var prompt: SFTExport.PromptShape = .inContext
    @Option(help: "A curated knowledge set (NAME or NAME@VERSION) in place of the teacher's items it holds.")
    var knowledgeSet: String?
    @Option(help: "The name to register the fine-tuned student under. Default: sft-FORMAT-SAMPLE.") var name: String?
    @Option(help: "lora or command. Default: command when bundlekd.toml has [trainer] command, else lora.")
    var trainer: TrainerKind?
    @Option(parsing: .unconditional, help: "Training epochs.") var epochs: Int = LoRASettings().epochs
    @Option(parsing: .unconditional, help: "Learning rate (AdamW).") var lr: Double = LoRASettings().learningRate
    @Option(parsing: .unconditional, help: "LoRA rank.") var rank: Int = LoRASettings().rank
    @Option(parsing: .unconditional, help: "LoRA alpha (the adapter's scale is alpha / rank).") var alpha: Int =
        LoRASettings().alpha
    @Option(parsing: .unconditional, help: "Rows per optimizer step.") var batch: Int = LoRASettings().batch
    @Option(help: "Comma-separated modules the adapter wraps.")
    var targets: String = LoRASettings().targets.joined(separator: ",")
    @Option(parsing: .unconditional, help: "Stop after this many optimizer steps (a quick try).") var maxSteps: Int?
    @Option(help: "Where an external trainer's data and output go. Default: students/NAME beside the workspace.")
    var output: String?

    var studentName: String { name ?? "sft-\(knowledgeFormat.rawValue)-\(sample)" }

    var settings: LoRASettings {
        var settings = LoRASettings()
        settings.epochs = epochs
        settings.learningRate = lr
        settings.rank = rank
        settings.alpha = alpha
        settings.batch = batch
        settings.targets = targets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        settings.maxSteps = maxSteps
        return settings
    }

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a finite number above 0, got \(lr)") }
        // The name becomes a folder under students/: no path, no hidden or empty name.
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !studentName.isEmpty, !studentName.hasPrefix("."), studentName.count <= 100,
            studentName.allSatisfy(allowed.contains)
        else {
            throw ValidationError(
                "--name '\(studentName)' must be 1–100 letters, digits, '.', '_' or '-', not starting with '.' "
                    + "(it names the student's folder under students/)")
        }
        guard rank >= 1, alpha >= 1, batch >= 1, maxSteps.map({ $0 >= 1 }) ?? true else {
            throw ValidationError("--rank, --alpha, --batch and --max-steps must be at least 1")
        }
        guard !settings.targets.contains(where: \.isEmpty), !settings.targets.isEmpty else {
            throw ValidationError("--targets must name modules, e.g. q_proj,v_proj")
        }
    }

    func run() async throws {
        let config = try workspace.loadConfig()
        let useCommand = trainer == .command || (trainer == nil && config.trainerCommand != nil)
        let folder = output ?? FineTunedStudent.folder(name: studentName, databasePath: workspace.databasePath(config))
        let (job, rows) = try reportingFailures {
            let store = try workspace.openExistingWorkspace(config)
            var job = SFTTraining(
                workspace: store, config: config, configFile: workspace.config,
                sample: sample, format: knowledgeFormat.format, name: studentName, folder: folder)
            job.knowledgeSet = try knowledgeSet.map(store.requireKnowledgeSet)
            job.shape = prompt
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
        let chosen = settings
        try await runCommand(
            cancelOnInterrupt: true, resumeHint: "; no student was registered, run the same command again to restart"
        ) {
            let trainer = try job.loraTrainer(report: LLMSession.toStandardError)
            StatusLine.print(
                "bundlekd: LoRA fine-tune of \(config.local.alias) on \(rows.count) rows, \(chosen.epochs) epochs, "
                    + "rank \(chosen.rank), alpha \(chosen.alpha), lr \(chosen.learningRate), batch \(chosen.batch), "
                    + "\(chosen.threads) threads")
            let bar = LoRAProgressBar()
            let done = try await job.trainLoRA(trainer: trainer, settings: chosen) { bar.show($0) }
            let losses = done.epochLosses.map { String(format: "%.3f", $0) }.joined(separator: " → ")
            print(
                String(
                    format: "registered fine-tuned student '%@': %d rows (%d tokens, %d with loss), answer-only loss "
                        + "per epoch %@; %.1f s, %.0f tok/s, peak memory %.0f MiB; adapter %@",
                    job.name, done.rows, done.tokens, done.answerTokens, losses, done.wallSeconds,
                    done.steps.last?.tokensPerSecond ?? 0, Double(done.peakResidentBytes) / 1_048_576, done.adapter))
        }
    }
}

/// The knowledge an SFT row's prompt carries.
enum SFTKnowledge: String, CaseIterable, ExpressibleByArgument {
    case none, patterns, rules, thoughts
    var format: KnowledgeFormat? { KnowledgeFormat(stageName: rawValue) }
}

/// Who trains: a LoRA adapter on this machine, or the `[trainer] command` of bundlekd.toml.
enum TrainerKind: String, CaseIterable, ExpressibleByArgument {
    case lora, command
}

/// The training progress bar on stderr: epoch, step, answer-only loss, tokens/s, ETA.
struct LoRAProgressBar: Sendable {
    func show(_ event: LoRAEvent) {
        switch event {
        case .started(let rows, let tokens, let answerTokens, let steps, let precision):
            StatusLine.print(
                "bundlekd: \(rows) rows, \(tokens) tokens (\(answerTokens) in answers carry the loss), "
                    + "\(steps) steps, \(precision)")
        case .step(let step):
            StatusLine.show(step.summary, final: false)
        case .epoch(let epoch, let loss):
            StatusLine.show(String(format: "epoch %d: answer-only loss %.4f", epoch, loss), final: true)
        case .finished:
            break
        }
    }
}

extension SFTExport.PromptShape: ExpressibleByArgument {}
