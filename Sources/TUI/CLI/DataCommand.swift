import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd data …`: look at a dataset without the terminal front end.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect datasets: statistics, one session, or an export to JSON Lines.",
        subcommands: [DataStatsCommand.self, DataShowCommand.self, DataExportCommand.self]
    )
}

struct DataStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print per-domain figures: sessions, bundles before and after deduplication, sizes, items.")

    @OptionGroup var source: DataOptions

    func run() throws {
        try reportingFailures {
            let rows = try source.loadRaw().map(DatasetStatistics.init)
            print(StatisticsTable.render(rows))
        }
    }
}

struct DataShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one session with its items, categories and ground-truth bundles.")

    @OptionGroup var source: DataOptions

    @Argument(help: "The session id, as listed in the Sessions screen or the data files.")
    var sessionID: String

    func run() throws {
        try reportingFailures {
            let datasets = try source.loadRaw()
            let matches = datasets.compactMap { dataset in dataset.session(id: sessionID).map { (dataset, $0) } }
            guard let (dataset, session) = matches.first else {
                throw DataError(
                    file: source.data ?? "sessions/", field: "SESSION_ID", "unknown session id '\(sessionID)'")
            }
            guard matches.count == 1 else {
                throw DataError(
                    file: source.data ?? "sessions/", field: "SESSION_ID",
                    "session '\(sessionID)' exists in \(matches.map(\.0.domain).joined(separator: ", ")); add --domain")
            }
            print(SessionReport.render(session, in: dataset))
        }
    }
}

struct DataExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write datasets in the project's JSON Lines format (after preprocessing unless --raw).")

    @OptionGroup var source: DataOptions

    @Flag(help: "Export every session and bundle as loaded, without filtering or deduplication.")
    var raw = false

    @Option(help: "The .jsonl file to write; it is written whole or not at all.")
    var output: String

    func run() throws {
        try reportingFailures {
            let datasets = raw ? try source.loadRaw() : try source.loadPrepared()
            let text = try datasets.map(SessionJSONLines.encode).joined()
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw DataError(file: output, "cannot be written: \(error.localizedDescription)")
            }
            print("wrote \(datasets.reduce(0) { $0 + $1.sessions.count }) sessions to \(output)")
        }
    }
}
