import Foundation
import GRDB

/// One row of the call log: a request, what came back (or the error), and what it cost.
public struct LLMCallRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "llmCall"

    public var id: Int64?
    public var createdAt: Date
    public var requestHash: String
    public var role: String
    /// The base URL used; never carries credentials.
    public var endpoint: String
    public var model: String
    /// The messages as JSON.
    public var messages: String
    /// Decoding parameters as JSON (temperature, max_tokens, seed, response_format).
    public var parameters: String
    public var streamed: Bool
    public var responseText: String?
    public var finishReason: String?
    public var promptTokens: Int?
    /// Of `promptTokens`, those the server served from its KV cache (a shared prefix).
    public var cachedPromptTokens: Int?
    public var completionTokens: Int?
    public var latencyMs: Double
    public var attempts: Int
    public var error: String?
    public var cacheHit: Bool

    public enum Columns {
        static let requestHash = Column(CodingKeys.requestHash)
        static let error = Column(CodingKeys.error)
        static let cacheHit = Column(CodingKeys.cacheHit)
        static let id = Column(CodingKeys.id)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
