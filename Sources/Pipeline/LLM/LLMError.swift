import Foundation

/// Why a call failed, in one line a person can act on.
public enum LLMError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The server could not be reached, or the connection broke or stalled.
    case connection(url: String, message: String)
    /// The server took no answer in bounded time: hung, gone, or over the first-token limit.
    case noAnswer(url: String, message: String)
    /// The server answered with an error status; `message` is its own error text when it sent one.
    case http(url: String, status: Int, message: String)
    /// The server answered 200 with something that is not a chat completion.
    case malformed(url: String, message: String)
    case tooLarge(url: String, limit: Int)
    case missingAPIKey(variable: String)
    case notConfigured(String)

    public var description: String {
        switch self {
        case .connection(let url, let message): return "\(url): cannot reach the server: \(message)"
        case .noAnswer(let url, let message): return "\(url): no answer: \(message)"
        case .http(let url, let status, let message): return "\(url): HTTP \(status): \(message)"
        case .malformed(let url, let message): return "\(url): unexpected answer: \(message)"
        case .tooLarge(let url, let limit): return "\(url): response larger than \(limit) bytes, aborted"
        case .missingAPIKey(let variable): return "the API key variable \(variable) is not set in the environment"
        case .notConfigured(let what): return what
        }
    }

    /// Connection failures, 429 and 5xx are worth another attempt; other answers are final.
    var isRetryable: Bool {
        switch self {
        case .connection: return true
        case .http(_, let status, _): return status == 429 || status >= 500
        default: return false
        }
    }

    /// The server's message from an OpenAI-style `{"error": {"message": …}}` body, else the
    /// first line of text in the body (an HTML error page gives its title, not its markup).
    static func serverMessage(_ body: [UInt8]) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String {
                return oneLine(message)
            }
            if let message = object["error"] as? String { return oneLine(message) }
            if let message = object["detail"] as? String { return oneLine(message) }
            if let message = object["message"] as? String { return oneLine(message) }
        }
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        let withoutTags = text.replacingOccurrences(of: "<[^>]*>", with: "\n", options: .regularExpression)
        let line = withoutTags.split(whereSeparator: \.isNewline).lazy
            .map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        return line.map(oneLine) ?? "(empty body)"
    }

    /// One line of at most 200 characters, white space folded: server messages can carry
    /// tracebacks, and a terminal line must stay one line.
    static func oneLine(_ text: String) -> String {
        let folded = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return folded.count > 200 ? String(folded.prefix(199)) + "…" : folded
    }
}
