import Foundation
import GRDB

/// The paper's three knowledge formats, in order of depth.
public enum KnowledgeFormat: String, Sendable, Codable, CaseIterable {
    case pattern, rule, thought

    /// The stage name used on the command line (`--stages patterns,rules,thoughts`).
    public var stageName: String { rawValue + "s" }

    public init?(stageName: String) {
        guard let format = KnowledgeFormat.allCases.first(where: { $0.stageName == stageName || $0.rawValue == stageName }) else { return nil }
        self = format
    }
}

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

/// A finished (or failed) unit of extraction work. Its key identifies the work, so a re-run
/// skips what is done; its output feeds later steps (per-session rules feed consolidation).
public struct ExtractionStep: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "extractionStep"

    public var id: Int64?
    public var key: String
    public var createdAt: Date
    public var stage: String
    public var domain: String
    public var sessionId: String?
    public var status: String
    /// Parsed output as JSON (e.g. the session's rules and error categories).
    public var output: String?
    public var rawText: String?
    public var reason: String?
    public var callIds: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The per-session rules a finished stage-2 step stored, if this is one.
    var sessionRules: SessionRules? {
        output.flatMap { try? JSONDecoder().decode(SessionRules.self, from: Data($0.utf8)) }
    }
}

/// A named selection of training sessions, so the same sample feeds extraction, ICL and SFT.
public struct SampleRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "sample"

    public var name: String
    public var createdAt: Date
    public var strategy: String
    public var ratio: Double
    public var seed: Int64
    public var domains: String
    /// "domain/session" references, in selection order (JSON array).
    public var sessions: String

    public var sessionList: [String] { (try? JSONDecoder().decode([String].self, from: Data(sessions.utf8))) ?? [] }

    public init(name: String, strategy: SamplingStrategy, ratio: Double, seed: UInt64, domains: [String], sessions: [SessionReference]) {
        self.name = name
        createdAt = Date()
        self.strategy = strategy.rawValue
        self.ratio = ratio
        self.seed = Int64(bitPattern: seed)
        self.domains = KnowledgeItem.json(domains)
        self.sessions = KnowledgeItem.json(sessions.map(\.key))
    }
}
