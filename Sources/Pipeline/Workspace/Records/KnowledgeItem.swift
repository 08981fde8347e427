import Foundation
import GRDB

/// One piece of distilled knowledge with its provenance.
public struct KnowledgeItem: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "knowledgeItem"

    public var id: Int64?
    public var createdAt: Date
    public var format: KnowledgeFormat
    public var domain: String
    public var text: String
    /// The training sessions it came from, as "domain/session" references (JSON array).
    public var sessions: String
    /// For rules: the error categories that led to it (JSON array); empty otherwise.
    public var errors: String
    public var teacherModel: String
    public var templateHash: String
    /// The LLM calls that produced it (JSON array of call ids).
    public var callIds: String
    public var promptTokens: Int
    public var completionTokens: Int
    public var cost: Double
    /// For a consolidated rule: the sample whose consolidation produced it (`Extractor.sampleKey`),
    /// so a cell selects exactly its own sample's rules; nil for older rules and for thoughts.
    public var sampleKey: String? = nil

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let format = Column(CodingKeys.format)
        public static let domain = Column(CodingKeys.domain)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public var sessionList: [String] { (try? JSONDecoder().decode([String].self, from: Data(sessions.utf8))) ?? [] }
    public var errorList: [String] { (try? JSONDecoder().decode([String].self, from: Data(errors.utf8))) ?? [] }
    public var callList: [Int64] { (try? JSONDecoder().decode([Int64].self, from: Data(callIds.utf8))) ?? [] }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
