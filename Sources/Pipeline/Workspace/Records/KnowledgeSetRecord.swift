import Foundation
import GRDB

/// A named, versioned, curated knowledge set: an analyst's edit of the teacher's knowledge. The
/// teacher's items are never changed; each entry says where it came from.
public struct KnowledgeSetRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "knowledgeSet"
    public var id: Int64?
    public var name: String
    public var version: Int
    public var createdAt: Date
    public var author: String
    public var domain: String
    /// The entries in prompt order, as a JSON array of `KnowledgeSetEntry` (disabled ones too).
    public var entries: String
    /// What the analyst did, in order, as a JSON array of lines ("disabled rule 7").
    public var edits: String

    public enum Columns {
        public static let name = Column(CodingKeys.name)
        public static let version = Column(CodingKeys.version)
        public static let domain = Column(CodingKeys.domain)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// "name@version", how cells and the command line name it.
    public var reference: String { "\(name)@\(version)" }

    public var entryList: [KnowledgeSetEntry] {
        (try? JSONDecoder().decode([KnowledgeSetEntry].self, from: Data(entries.utf8))) ?? []
    }

    public var editList: [String] { (try? JSONDecoder().decode([String].self, from: Data(edits.utf8))) ?? [] }
}

/// One entry of a curated set: the text the student sees, whether it is on, and its provenance.
public struct KnowledgeSetEntry: Codable, Sendable, Equatable {
    public var format: KnowledgeFormat
    public var text: String
    public var enabled: Bool
    /// The teacher's item it came from (nil for an added entry).
    public var origin: Int64?
    /// "rule 7", "edited from rule 7", "added by ana".
    public var provenance: String
    /// For a thought: the "domain/session" it was written for.
    public var session: String?

    public init(
        format: KnowledgeFormat, text: String, enabled: Bool = true, origin: Int64?, provenance: String,
        session: String? = nil
    ) {
        (self.format, self.text, self.enabled, self.origin) = (format, text, enabled, origin)
        (self.provenance, self.session) = (provenance, session)
    }

    public var piece: KnowledgePiece { KnowledgePiece(format: format, text: text) }
}
