import Foundation

/// One message of a chat conversation.
public struct ChatMessage: Hashable, Sendable, Codable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: "system", content: text) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: "user", content: text) }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: "assistant", content: text) }
}

/// Asks the server for JSON: any JSON object, or one matching a schema.
public enum ResponseFormat: Hashable, Sendable {
    case jsonObject
    /// `schema` is the JSON Schema as JSON text.
    case jsonSchema(name: String, schema: String)
}

/// A chat completion request, independent of where it is sent.
public struct ChatRequest: Hashable, Sendable {
    public var model: String
    public var messages: [ChatMessage]
    public var temperature: Double
    public var maxTokens: Int
    public var seed: Int?
    public var responseFormat: ResponseFormat?
    /// The replicate this request belongs to (see `ExperimentCell.round`): part of the cache key
    /// from round 1 on, never sent, so round 0 keeps every answer cached before rounds existed.
    public var round: Int = 0

    public init(
        model: String, messages: [ChatMessage], temperature: Double = 0, maxTokens: Int = 256,
        seed: Int? = nil, responseFormat: ResponseFormat? = nil
    ) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.seed = seed
        self.responseFormat = responseFormat
    }

    /// Without a seed, sampling at temperature > 0 gives a different answer each time, so such
    /// a request is not served from the cache unless the caller asks.
    public var isDeterministic: Bool { temperature == 0 || seed != nil }

    /// The decoding parameters as a JSON object (what the call log stores beside the messages).
    public var parameters: [String: Any] {
        var parameters: [String: Any] = ["temperature": temperature, "max_tokens": maxTokens]
        if let seed { parameters["seed"] = seed }
        switch responseFormat {
        case .jsonObject: parameters["response_format"] = ["type": "json_object"]
        case .jsonSchema(let name, let schema):
            parameters["response_format"] = [
                "type": "json_schema",
                "json_schema": [
                    "name": name, "strict": true,
                    "schema": (try? JSONSerialization.jsonObject(with: Data(schema.utf8))) ?? [:],
                ],
            ]
        case nil: break
        }
        return parameters
    }

    /// Model, messages and decoding parameters: what the answer depends on.
    private var content: [String: Any] {
        var object = parameters
        object["model"] = model
        object["messages"] = messages.map { ["role": $0.role, "content": $0.content] }
        return object
    }

    private static func canonicalJSON(_ object: [String: Any]) -> Data {
        try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// The OpenAI-compatible request body, asking for JSON the way `structuredOutput` says:
    /// `grammar` sends a compact-JSON grammar instead of the schema (llama.cpp servers),
    /// `json_object` carries the schema where there is one (llama-cpp-python reads it there),
    /// `none` leaves the format to the prompt. The mode enters the cache key (`cacheKey`).
    public func body(
        stream: Bool, structuredOutput: StructuredOutput = .grammar, tokensField: MaxTokensField = .maxTokens
    ) -> Data {
        var object = content
        if tokensField == .maxCompletionTokens {
            object["max_completion_tokens"] = object.removeValue(forKey: "max_tokens")
        }
        object["stream"] = stream
        if stream { object["stream_options"] = ["include_usage": true] }
        switch (structuredOutput, responseFormat) {
        case (.none, _): object["response_format"] = nil
        case (.grammar, .jsonSchema(_, let schema)):
            // llama.cpp takes a grammar or a schema, not both; a schema outside the grammar's
            // subset keeps its response_format.
            if let grammar = CompactJSONGrammar.gbnf(schema: schema) {
                object["response_format"] = nil
                object["grammar"] = grammar
            }
        case (.jsonObject, .jsonSchema(_, let schema)):
            object["response_format"] = [
                "type": "json_object",
                "schema": (try? JSONSerialization.jsonObject(with: Data(schema.utf8))) ?? [:],
            ]
        default: break
        }
        return Self.canonicalJSON(object)
    }

    /// The cache key: SHA-256 of the model id, messages and decoding parameters in canonical
    /// JSON. The endpoint is left out, so the same request to another replica is the same call.
    public var hash: String { cacheKey(structuredOutput: nil, servedBy: nil) }

    /// The cache key with what else shapes the answer but is not in the body: the way JSON is
    /// enforced (`structuredOutput`, nil for a request without a response format) and the
    /// weights behind the endpoint (`servedBy`, e.g. the local server's GGUF file name), since
    /// the same body to another model or under another mode is another answer.
    public func cacheKey(structuredOutput: StructuredOutput?, servedBy: String?) -> String {
        var key = content
        if round > 0 { key["round"] = round }
        if let structuredOutput { key["structured_output"] = structuredOutput.rawValue }
        if let servedBy { key["served_by"] = servedBy }
        return SHA256.hex(Self.canonicalJSON(key))
    }
}

/// Token counts the server reported.
public struct TokenUsage: Hashable, Sendable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    /// Prompt tokens the server took from its KV cache instead of evaluating
    /// (`usage.prompt_tokens_details.cached_tokens`, as OpenAI and llama-server report it);
    /// nil when the server does not say.
    public var cachedPromptTokens: Int?

    public init(promptTokens: Int, completionTokens: Int, cachedPromptTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedPromptTokens = cachedPromptTokens
    }
}

/// A finished chat completion.
public struct ChatResponse: Hashable, Sendable {
    public var text: String
    public var finishReason: String?
    public var usage: TokenUsage?
    public var model: String?

    public init(text: String, finishReason: String?, usage: TokenUsage?, model: String?) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.model = model
    }
}

/// What a streamed completion yields: text as it arrives, then the whole response.
public enum ChatEvent: Hashable, Sendable {
    case delta(String)
    case finished(ChatResponse)
}
