import Foundation
import GRDB

/// One experiment cell: what was run and what it cost.
public struct RunRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "run"
    public var id: Int64?
    public var key: String
    public var createdAt: Date
    public var domain: String
    public var student: String
    /// Formats used, "none" for zero-shot, else e.g. "patterns+rules".
    public var formats: String
    public var strategy: String
    public var ratio: Double
    public var method: String
    public var seed: Int64
    public var sessions: Int
    public var studentPromptTokens: Int
    public var studentCompletionTokens: Int
    public var teacherTokens: Int
    public var seconds: Double
    public var status: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The student's answer for one test session of a run.
public struct PredictionRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "prediction"
    public var id: Int64?
    public var runId: Int64
    public var sessionId: String
    public var rawText: String
    /// Parsed bundles as JSON, nil when the answer did not parse.
    public var bundles: String?
    public var parseError: String?
    public var callId: Int64?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public var parsedBundles: [ParsedBundle]? {
        bundles.flatMap { try? JSONDecoder().decode([ParsedBundle].self, from: Data($0.utf8)) }
    }
}

extension Workspace {
    static func registerRunMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3: runs and predictions") { db in
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("key", .text).notNull().unique()
                t.column("createdAt", .datetime).notNull()
                t.column("domain", .text).notNull()
                t.column("student", .text).notNull()
                t.column("formats", .text).notNull()
                t.column("strategy", .text).notNull()
                t.column("ratio", .double).notNull()
                t.column("method", .text).notNull()
                t.column("seed", .integer).notNull()
                t.column("sessions", .integer).notNull()
                t.column("studentPromptTokens", .integer).notNull()
                t.column("studentCompletionTokens", .integer).notNull()
                t.column("teacherTokens", .integer).notNull()
                t.column("seconds", .double).notNull()
                t.column("status", .text).notNull()
            }
            try db.create(table: "prediction") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("runId", .integer).notNull().references("run", onDelete: .cascade)
                t.column("sessionId", .text).notNull()
                t.column("rawText", .text).notNull()
                t.column("bundles", .text)
                t.column("parseError", .text)
                t.column("callId", .integer)
                t.uniqueKey(["runId", "sessionId"])
            }
        }
    }

    public func run(key: String) throws -> RunRecord? {
        try writer.read { try RunRecord.filter(Column("key") == key).fetchOne($0) }
    }

    /// Stores a finished run and its predictions together (a rerun of the same key replaces it).
    @discardableResult
    public func store(_ run: RunRecord, predictions: [PredictionRecord]) throws -> RunRecord {
        try writer.write { db in
            try RunRecord.filter(Column("key") == run.key).deleteAll(db)
            var stored = run
            try stored.insert(db)
            for prediction in predictions {
                var row = prediction
                row.runId = stored.id!
                try row.insert(db)
            }
            return stored
        }
    }

    public func runs() throws -> [RunRecord] {
        try writer.read { try RunRecord.order(Column("id")).fetchAll($0) }
    }

    public func predictions(run id: Int64) throws -> [PredictionRecord] {
        try writer.read { try PredictionRecord.filter(Column("runId") == id).order(Column("id")).fetchAll($0) }
    }
}
