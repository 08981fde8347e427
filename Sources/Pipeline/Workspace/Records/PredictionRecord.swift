import Foundation
import GRDB

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
    /// Every call that produced this answer, as a JSON array (the AICL pipeline makes several);
    /// nil in workspaces from before v6, where `callId` is the only one.
    public var callIds: String? = nil

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let runId = Column(CodingKeys.runId)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The calls behind the answer, from `callIds` or else `callId`.
    public var allCallIDs: [Int64] {
        callIds.flatMap { try? JSONDecoder().decode([Int64].self, from: Data($0.utf8)) } ?? (callId.map { [$0] } ?? [])
    }

    public var parsedBundles: [ParsedBundle]? {
        bundles.flatMap { try? JSONDecoder().decode([ParsedBundle].self, from: Data($0.utf8)) }
    }
}
