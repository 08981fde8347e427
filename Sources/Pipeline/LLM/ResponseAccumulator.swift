import Foundation

/// Turns the bytes of one chat-completion response into a `ChatResponse`: a JSON body, or an
/// SSE stream of chunks (role chunk, content deltas, an empty final delta with the finish
/// reason, llama-server's usage-only chunk with no choices, then `[DONE]`).
final class ResponseAccumulator: @unchecked Sendable {
    private let lock = NSLock()
    private let streaming: Bool
    private let onDelta: (@Sendable (String) -> Void)?
    private var parser = SSEParser()
    private var body: [UInt8] = []
    private var text = ""
    private var finishReason: String?
    private var usage: TokenUsage?
    private var model: String?
    private var sawDone = false
    private var streamError: String?
    private var delivered = false

    init(streaming: Bool, onDelta: (@Sendable (String) -> Void)?) {
        self.streaming = streaming
        self.onDelta = onDelta
    }

    /// Called on the transfer thread for each chunk; returns false to abort.
    func receive(status: Int, _ bytes: [UInt8]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard streaming, status == 200 else {
            body += bytes
            return true
        }
        for event in parser.feed(bytes) { handle(event.data) }
        return streamError == nil
    }

    private func handle(_ data: String) {
        if data == "[DONE]" { sawDone = true; return }
        guard let chunk = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else {
            streamError = "a stream chunk is not JSON: \(data.prefix(120))"
            return
        }
        if let error = chunk["error"] {
            streamError = (error as? [String: Any])?["message"] as? String ?? "\(error)"
            return
        }
        model = chunk["model"] as? String ?? model
        if let usage = Self.usage(chunk["usage"]) { self.usage = usage }
        guard let choice = (chunk["choices"] as? [[String: Any]])?.first else { return }
        if let reason = choice["finish_reason"] as? String { finishReason = reason }
        if let delta = choice["delta"] as? [String: Any], let content = delta["content"] as? String, !content.isEmpty {
            text += content
            delivered = true
            onDelta?(content)
        }
    }

    static func usage(_ value: Any?) -> TokenUsage? {
        guard let object = value as? [String: Any], let prompt = object["prompt_tokens"] as? Int,
              let completion = object["completion_tokens"] as? Int else { return nil }
        return TokenUsage(promptTokens: prompt, completionTokens: completion)
    }

    func finish(_ result: HTTPResult, request: HTTPRequest) -> Result<ChatResponse, ChatClient.Failure> {
        let url = request.url
        lock.lock()
        defer { lock.unlock() }
        func fail(_ error: LLMError, retryAfter: Double? = nil) -> Result<ChatResponse, ChatClient.Failure> {
            .failure(ChatClient.Failure(error: error, retryAfter: retryAfter, deliveredText: delivered))
        }
        if result.tooLarge { return fail(.tooLarge(url: url, limit: request.maxResponseBytes)) }
        if let streamError { return fail(.malformed(url: url, message: streamError)) }
        if result.transferFailed {
            let stalled = result.curlCode == 28 ? " (stalled or timed out)" : ""
            return fail(.connection(url: url, message: result.curlMessage + stalled))
        }
        guard result.status == 200 else {
            return fail(.http(url: url, status: result.status, message: LLMError.serverMessage(body)),
                        retryAfter: result.headers["retry-after"].flatMap(Self.retryAfterSeconds))
        }
        if streaming {
            for event in parser.finish() { handle(event.data) }
            guard sawDone || finishReason != nil else {
                return fail(.connection(url: url, message: "the stream ended before [DONE]"))
            }
            return .success(ChatResponse(text: text, finishReason: finishReason, usage: usage, model: model))
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let choice = (object["choices"] as? [[String: Any]])?.first,
              let message = choice["message"] as? [String: Any] else {
            let start = String(decoding: body.prefix(120), as: UTF8.self)
            return fail(.malformed(url: url, message: "not a chat completion: \(start)"))
        }
        return .success(ChatResponse(text: message["content"] as? String ?? "", finishReason: choice["finish_reason"] as? String,
                                     usage: Self.usage(object["usage"]), model: object["model"] as? String))
    }

    /// `Retry-After` is seconds or an HTTP date.
    static func retryAfterSeconds(_ value: String) -> Double? {
        if let seconds = Double(value.trimmingCharacters(in: .whitespaces)) { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }
}
