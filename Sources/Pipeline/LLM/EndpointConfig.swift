import Foundation

/// Which side of the distillation a call belongs to.
public enum LLMRole: String, Sendable, CaseIterable, Codable {
    case teacher, student
}

/// One role's model endpoint: where to send requests and how.
public struct EndpointConfig: Sendable, Equatable {
    /// OpenAI-compatible base URLs ending in `/v1`; several are load-balanced.
    public var baseURLs: [String]
    public var model: String
    /// The *name* of the environment variable that holds the API key (never the key itself).
    public var apiKeyVariable: String?
    public var maxConcurrency: Int
    public var temperature: Double
    public var maxTokens: Int
    public var seed: Int?
    public var connectTimeout: Int
    /// Seconds a request may wait for its first token, queueing in the server included.
    public var firstTokenSeconds = 600
    /// Seconds without a token, once the answer has started, that count as a stall.
    public var stallSeconds: Int
    /// Seconds a waiting request tolerates a server that answers no probe at all (hung).
    public var hungSeconds = 120
    /// How answers are constrained to JSON; `.auto` starts with a schema and steps down when
    /// the server refuses it.
    public var structuredOutput = StructuredOutput.auto
    /// The body field that carries the answer's token limit: `max_tokens` for most servers,
    /// `max_completion_tokens` where the API requires it (OpenAI's reasoning models); `.auto`
    /// sends `max_tokens` and switches for good when a server says to.
    public var maxTokensField = MaxTokensField.auto
    public var maxAttempts: Int
    /// Backoff before retry n is base·2ⁿ⁻¹ seconds (with jitter), at most `maxBackoff`.
    public var backoffBase: Double
    public var maxBackoff: Double
    /// Prices per 1,000 prompt and completion tokens, for the cost columns (0 for local models).
    public var promptPrice: Double = 0
    public var completionPrice: Double = 0

    public init(
        baseURLs: [String], model: String, apiKeyVariable: String? = nil, maxConcurrency: Int = 4,
        temperature: Double = 0, maxTokens: Int = 512, seed: Int? = 42, connectTimeout: Int = 10,
        stallSeconds: Int = 60, maxAttempts: Int = 4, backoffBase: Double = 0.5, maxBackoff: Double = 30
    ) {
        self.baseURLs = baseURLs
        self.model = model
        self.apiKeyVariable = apiKeyVariable
        self.maxConcurrency = maxConcurrency
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.seed = seed
        self.connectTimeout = connectTimeout
        self.stallSeconds = stallSeconds
        self.maxAttempts = maxAttempts
        self.backoffBase = backoffBase
        self.maxBackoff = maxBackoff
    }

    /// What a call cost at this endpoint's prices (0 for a local model).
    public func cost(promptTokens: Int, completionTokens: Int) -> Double {
        Double(promptTokens) / 1000 * promptPrice + Double(completionTokens) / 1000 * completionPrice
    }

    /// The key from the environment, if this endpoint names a variable.
    public func apiKey(environment: [String: String]) throws -> String? {
        guard let variable = apiKeyVariable, !variable.isEmpty else { return nil }
        guard let key = environment[variable], !key.isEmpty else { throw LLMError.missingAPIKey(variable: variable) }
        return key
    }
}

/// How a request asks for JSON: a llama.cpp grammar for compact JSON compiled from the schema
/// (`grammar`), the schema (`json_schema`), any JSON object (`json_object`), or nothing but the
/// prompt (the schema is in the prompt and the parser is tolerant).
public enum StructuredOutput: String, Sendable, CaseIterable, Codable {
    case auto
    case grammar
    case jsonSchema = "json_schema"
    case jsonObject = "json_object"
    case none
}

/// Which body field carries the token limit (see `EndpointConfig.maxTokensField`).
public enum MaxTokensField: String, Sendable, CaseIterable, Codable {
    case auto
    case maxTokens = "max_tokens"
    case maxCompletionTokens = "max_completion_tokens"
}
