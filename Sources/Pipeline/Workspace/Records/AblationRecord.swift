import Foundation
import GRDB

/// The student's answer for one test session of a run with one unit of knowledge left out
/// (the attribution by ablation). A unit is one piece, or a group when a prompt holds many.
public struct AblationRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "ablation"
    public var id: Int64?
    public var runId: Int64
    /// The left-out unit's key (see `AttributionUnit.key`).
    public var unit: String
    /// The unit's place among the run's units, in prompt order (0-based).
    public var position: Int
    /// The left-out pieces, as a JSON array of `KnowledgePiece`.
    public var pieces: String
    public var sessionId: String
    public var rawText: String
    public var bundles: String?
    public var parseError: String?
    /// The calls behind the answer (JSON array); empty when leaving the unit out did not change
    /// this session's prompt, so the run's own answer stands.
    public var callIds: String

    public enum Columns {
        public static let runId = Column(CodingKeys.runId)
        public static let id = Column(CodingKeys.id)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public var parsedBundles: [ParsedBundle]? {
        bundles.flatMap { try? JSONDecoder().decode([ParsedBundle].self, from: Data($0.utf8)) }
    }

    public var pieceList: [KnowledgePiece] {
        (try? JSONDecoder().decode([KnowledgePiece].self, from: Data(pieces.utf8))) ?? []
    }
}
