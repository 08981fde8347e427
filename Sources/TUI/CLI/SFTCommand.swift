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
            let store = try workspace.openWorkspace(config)
            guard let stored = try store.sample(named: sample) else {
                throw DataError(file: workspace.config, field: "sample", "no stored sample '\(sample)'")
            }
            let format: KnowledgeFormat? = knowledgeFormat == "none" ? nil : KnowledgeFormat(stageName: knowledgeFormat)
            guard knowledgeFormat == "none" || format != nil else {
                throw DataError(file: workspace.config, field: "knowledge", "unknown format '\(knowledgeFormat)' (none, patterns, rules, thoughts)")
            }
            let datasets = try source.loadPrepared()
            let training = datasets.flatMap { dataset in dataset.sessions(in: .train).map { SessionReference(domain: dataset.domain, session: $0) } }
            let byKey = Dictionary(uniqueKeysWithValues: training.map { ($0.key, $0) })
            let chosen = stored.sessionList.compactMap { byKey[$0] }
            let rows = SFTExport.rows(sample: chosen, datasets: datasets, format: format, knowledge: try store.knowledge())
            guard !rows.isEmpty else {
                throw DataError(file: workspace.config, field: "sample", "no rows: the sample has no session with \(knowledgeFormat) knowledge (run 'bundlekd extract' first)")
            }
            try SFTExport.write(rows, to: output, name: "bundlekd_\(knowledgeFormat)")
            print("wrote \(rows.count) rows (\(chosen.count - rows.count) sessions without \(knowledgeFormat) knowledge left out) to \(output): openai.jsonl, alpaca.json, sharegpt.json, dataset_info.json")
        }
    }
}

/// `bundlekd sft train`: export the data, run the configured trainer, register the student.
struct SFTTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Fine-tune a student with the trainer command configured in bundlekd.toml ([trainer] command).",
        discussion: "The command template may use {data_dir}, {dataset}, {openai_file}, {output_dir} and {name}. On success the model is registered under --name and served at [trainer] serve_url (default: the student's URL); use it with 'bundlekd grid --methods sft,icl+sft --student NAME'.")

    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "A stored sample name.") var sample: String
    @Option(name: .customLong("knowledge"), help: "none, patterns, rules or thoughts.") var knowledgeFormat: String = "none"
    @Option(help: "The name to register the fine-tuned student under (also its model name when served).") var name: String
    @Option(help: "Where the data and the trainer's output go.") var output: String?

    func run() throws {
        let config = try workspace.loadConfig()
        guard let template = config.trainerCommand else {
            throw ValidationError("no trainer configured: add [trainer] command = \"…\" to \(workspace.config)")
        }
        let folder = output ?? ".bundlekd-sft/\(name)"
        var export = try SFTExportCommand.parse(["--sample", sample, "--knowledge", knowledgeFormat, "--output", folder + "/data"])
        export.source = source
        export.workspace = workspace
        try export.run()
        let command = Trainer.render(template, values: [
            "data_dir": folder + "/data", "dataset": "bundlekd_\(knowledgeFormat)_alpaca", "openai_file": folder + "/data/openai.jsonl",
            "output_dir": folder + "/model", "name": name])
        FileHandle.standardError.write(Data("bundlekd: running the trainer: \(command)\n".utf8))
        let status = try Trainer.run(command)
        guard status == 0 else {
            FileHandle.standardError.write(Data("bundlekd: the trainer exited with status \(status); no student was registered\n".utf8))
            throw ExitCode(1)
        }
        try reportingFailures {
            try workspace.openWorkspace(config).register(StudentModelRecord(
                name: name, createdAt: Date(), sample: sample, knowledge: knowledgeFormat,
                baseURL: config.trainerServeURL ?? config.student.baseURLs[0], model: name, command: command, outputDir: folder + "/model"))
            print("registered fine-tuned student '\(name)' (served at \(config.trainerServeURL ?? config.student.baseURLs[0]))")
        }
    }
}
