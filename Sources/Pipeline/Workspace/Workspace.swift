import Foundation
import GRDB

/// The workspace: one SQLite file (WAL) holding the LLM call log and cache, and later the
/// knowledge, runs, predictions and metrics. Opening it applies any pending migration.
public final class Workspace: Sendable {
    let writer: any DatabaseWriter
    public let path: String?

    /// Opens (creating if needed) the workspace file. A `DatabasePool` lets readers (the UI)
    /// work while a run writes.
    public init(path: String) throws {
        var configuration = Configuration()
        // Two processes may write one workspace (the workbench and a CLI grid): wait for the other's
        // short write transaction instead of failing at once with "database is locked".
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")  // WAL + NORMAL: durable at checkpoints, fast commits
        }
        do {
            writer = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw DataError(file: path, "cannot open the workspace database: \(error)")
        }
        self.path = path
        try Self.migrator.migrate(writer)
    }

    /// A private in-memory workspace, for tests.
    public init() throws {
        writer = try DatabaseQueue()
        path = nil
        try Self.migrator.migrate(writer)
    }

    public var journalMode: String {
        (try? writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }) ?? "unknown"
    }
}
