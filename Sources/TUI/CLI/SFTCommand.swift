import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd sft export`: fine-tuning files from a stored sample and a knowledge format.
struct SFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sft", abstract: "Supervised fine-tuning data for the student.",
                                                    subcommands: [SFTExportCommand.self])
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
