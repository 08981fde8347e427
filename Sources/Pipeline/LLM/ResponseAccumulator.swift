import Foundation

/// Turns the bytes of one chat-completion response into a `ChatResponse`: an SSE stream of
/// chunks (role chunk, content deltas, an empty final delta with the finish reason,
/// llama-server's usage-only chunk with no choices, then `[DONE]`), or a JSON body from a
/// server that ignores `stream` (told apart by the content type, else by the first byte).
final class ResponseAccumulator: @unchecked Sendable {
    private let lock = NSLock()
    private var streaming: Bool?
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

    init(onDelta: (@Sendable (String) -> Void)?) {
        self.onDelta = onDelta
    }

    /// Called on the transfer thread for each chunk; returns false to abort.
    func receive(_ progress: HTTPResult, _ bytes: [UInt8]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if streaming == nil {
            let type = progress.headers["content-type"] ?? ""
            let first = bytes.first { ![9, 10, 13, 32].contains($0) }
            let looksLikeEvents = first.map { "de:ir".utf8.contains($0) } ?? false
            streaming =
                progress.status == 200 && (type.contains("event-stream") || (!type.contains("json") && looksLikeEvents))
        }
        guard streaming == true else {
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
            if let onDelta {
                delivered = true
                onDelta(content)
            }
        }
    }

    static func usage(_ value: Any?) -> TokenUsage? {
        guard let object = value as? [String: Any], let prompt = object["prompt_tokens"] as? Int,
            let completion = object["completion_tokens"] as? Int
        else { return nil }
        let cached = (object["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int
        return TokenUsage(promptTokens: prompt, completionTokens: completion, cachedPromptTokens: cached)
    }

    func finish(
        _ result: HTTPResult, request: HTTPRequest,
        verdict: ServerProbe.Verdict = .waiting
    ) -> Result<ChatResponse, ChatClient.Failure> {
        let url = request.url
        lock.lock()
        defer { lock.unlock() }
        func fail(_ error: LLMError, retryAfter: Double? = nil) -> Result<ChatResponse, ChatClient.Failure> {
            .failure(ChatClient.Failure(error: error, retryAfter: retryAfter, deliveredText: delivered))
        }
        if result.tooLarge { return fail(.tooLarge(url: url, limit: request.maxResponseBytes)) }
        if let streamError { return fail(.malformed(url: url, message: streamError)) }
        switch result.aborted {
        case .noFirstByte(let seconds)?:
            return fail(
                .noAnswer(url: url, message: "no token in \(seconds) s though the server is up (first_token_seconds)"))
        case .stalled(let seconds)?:
            return fail(.connection(url: url, message: "the answer stalled: no token for \(seconds) s (stall_seconds)"))
        case .gaveUp(let seconds)?:
            switch verdict {
            case .gone(let why):
                return fail(.noAnswer(url: url, message: "the server went away after \(seconds) s (\(why))"))
            case .hung(let silent):
                return fail(
                    .noAnswer(url: url, message: "the server accepts connections but answered nothing for \(silent) s"))
            case .waiting: return fail(.noAnswer(url: url, message: "gave up after \(seconds) s"))
            }
        case nil: break
        }
        if result.transferFailed {
            return fail(.connection(url: url, message: result.curlMessage))
        }
        guard result.status == 200 else {
            return fail(
                .http(url: url, status: result.status, message: LLMError.serverMessage(body)),
                retryAfter: result.headers["retry-after"].flatMap(Self.retryAfterSeconds))
        }
        if streaming == true {
            for event in parser.finish() { handle(event.data) }
            guard sawDone || finishReason != nil else {
                return fail(.connection(url: url, message: "the stream ended before [DONE]"))
            }
            return .success(ChatResponse(text: text, finishReason: finishReason, usage: usage, model: model))
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let choice = (object["choices"] as? [[String: Any]])?.first,
            let message = choice["message"] as? [String: Any]
        else {
            let start = String(decoding: body.prefix(120), as: UTF8.self)
            return fail(.malformed(url: url, message: "not a chat completion: \(start)"))
        }
        return .success(
            ChatResponse(
                text: message["content"] as? String ?? "", finishReason: choice["finish_reason"] as? String,
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
