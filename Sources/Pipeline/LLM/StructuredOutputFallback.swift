import Synchronization

/// Remembers, per base URL, the strongest way of asking for JSON that the server accepts.
///
/// With `.auto` a request starts with a compact-JSON grammar (llama.cpp's `grammar`); a server
/// that refuses it (OpenAI: "Unrecognized request argument supplied: grammar") is asked with
/// the JSON Schema, one that refuses that (llama-cpp-python answers 500 "Input should be 'text'
/// or 'json_object'") with `json_object`, and one that refuses that too gets no
/// `response_format` at all: the schema is in the prompt and the answer parser is tolerant. A
/// configured mode is used as it is and never stepped down.
final class StructuredOutputFallback: Sendable {
    let configured: StructuredOutput
    private let learned = Mutex<[String: StructuredOutput]>([:])

    init(configured: StructuredOutput) { self.configured = configured }

    /// The mode requests to `baseURL` use now.
    func mode(for baseURL: String) -> StructuredOutput {
        configured == .auto ? learned.withLock { $0[baseURL] } ?? .grammar : configured
    }

    /// Every mode learned so far, for `llm status`.
    var learnedModes: [String: StructuredOutput] { learned.withLock { $0 } }

    /// After `error` from `baseURL` for a request sent in mode `sent`: the mode to retry in when
    /// the error refused the structured output itself, else nil. Only the first of the requests
    /// refused in one mode lowers it (`stepped`); the others, refused while it did, retry in the
    /// mode it chose, so eight refusals at once step down one level, not four.
    func stepDown(
        after error: LLMError, baseURL: String, asked: ResponseFormat?, sent: StructuredOutput
    ) -> (mode: StructuredOutput, stepped: Bool)? {
        guard configured == .auto, asked != nil, Self.isRefusal(error) else { return nil }
        return learned.withLock { modes in
            let current = modes[baseURL] ?? .grammar
            if current != sent { return (current, false) }  // already lowered from `sent` by another refusal
            // A plain json_object request was sent as such whatever the mode above it.
            let effective: StructuredOutput =
                [.grammar, .jsonSchema].contains(sent) && asked == .jsonObject ? .jsonObject : sent
            let lower: StructuredOutput
            switch effective {
            case .grammar, .auto: lower = .jsonSchema
            case .jsonSchema: lower = .jsonObject
            case .jsonObject: lower = .none
            case .none: return nil
            }
            modes[baseURL] = lower
            return (lower, true)
        }
    }

    /// A 4xx/5xx whose message is about the response format, not about the request's content.
    static func isRefusal(_ error: LLMError) -> Bool {
        guard case .http(_, let status, let message) = error, [400, 422, 500, 501].contains(status) else {
            return false
        }
        let text = message.lowercased()
        return ["response_format", "json_schema", "json_object", "'text'", "grammar", "schema"].contains {
            text.contains($0)
        }
    }
}
