import Foundation
import GRDB

/// A finished (or failed) unit of extraction work. Its key identifies the work, so a re-run
/// skips what is done; its output feeds later steps (per-session rules feed consolidation).
public struct ExtractionStep: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "extractionStep"

    public var id: Int64?
    public var key: String
    public var createdAt: Date
    public var stage: KnowledgeFormat
    public var domain: String
    public var sessionId: String?
    public var status: StepStatus
    /// Parsed output as JSON (e.g. the session's rules and error categories).
    public var output: String?
    public var rawText: String?
    public var reason: String?
    public var callIds: String

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let key = Column(CodingKeys.key)
        public static let stage = Column(CodingKeys.stage)
        public static let domain = Column(CodingKeys.domain)
        public static let status = Column(CodingKeys.status)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The per-session rules a finished stage-2 step stored, if this is one.
    var sessionRules: SessionRules? {
        output.flatMap { try? JSONDecoder().decode(SessionRules.self, from: Data($0.utf8)) }
    }
}

/// How an extraction step ended: stored output, a failure (asked again on resume), or nothing to do.
public enum StepStatus: String, Codable, Sendable {
    case done, failed, skipped
}
