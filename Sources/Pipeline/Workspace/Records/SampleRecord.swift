import Foundation
import GRDB

/// A named selection of training sessions, so the same sample feeds extraction, ICL and SFT.
public struct SampleRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "sample"

    public var name: String
    public var createdAt: Date
    public var strategy: SamplingStrategy
    public var ratio: Double
    public var seed: Int64
    public var domains: String
    /// "domain/session" references, in selection order (JSON array).
    public var sessions: String

    public var sessionList: [String] { (try? JSONDecoder().decode([String].self, from: Data(sessions.utf8))) ?? [] }

    public init(
        name: String, strategy: SamplingStrategy, ratio: Double, seed: UInt64, domains: [String],
        sessions: [SessionReference]
    ) {
        self.name = name
        createdAt = Date()
        self.strategy = strategy
        self.ratio = ratio
        self.seed = Int64(bitPattern: seed)
        self.domains = KnowledgeItem.json(domains)
        self.sessions = KnowledgeItem.json(sessions.map(\.key))
    }
}
