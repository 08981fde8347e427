import Foundation
import Synchronization

/// An OpenAI-compatible chat client for one endpoint (one or more base URLs), over libcurl.
///
/// Each transfer runs on its own thread; at most `maxConcurrency` are in flight, the rest wait
/// in an `AsyncLimiter`. Connection errors, 429 and 5xx are retried with exponential backoff
/// and jitter, honouring `Retry-After`, but never after streamed text was already delivered.
public final class ChatClient: Sendable {
    public let endpoint: EndpointConfig
    private let apiKey: String?
    private let limiter: AsyncLimiter
    private let inFlight: Mutex<[Int]>
    /// The structured-output mode each base URL accepts, learned from its refusals.
    let structuredFallback: StructuredOutputFallback
    /// The token-limit field each base URL asked for (with `.auto`, learned from its refusal).
    private let tokensFields = Mutex<[String: MaxTokensField]>([:])

    /// The outcome of a successful call.
    public struct Outcome: Sendable {
        public let response: ChatResponse
        public let attempts: Int
        public let baseURL: String
        /// From the first attempt leaving the queue to the answer: retries and backoff
        /// included, waiting for a free slot excluded.
        public let latencyMs: Double
        /// How the answered attempt asked for JSON (after any step-down).
        public let structuredOutput: StructuredOutput
    }

    public init(endpoint: EndpointConfig, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard !endpoint.baseURLs.isEmpty else { throw LLMError.notConfigured("no base URL configured") }
        self.endpoint = endpoint
        apiKey = try endpoint.apiKey(environment: environment)
        limiter = AsyncLimiter(limit: endpoint.maxConcurrency)
        inFlight = Mutex(Array(repeating: 0, count: endpoint.baseURLs.count))
        structuredFallback = StructuredOutputFallback(configured: endpoint.structuredOutput)
    }

    /// Sends `request`; with `onDelta` it calls `onDelta` with each piece of text as it arrives.
    /// Every request is streamed internally, so a token is a sign of life and a long answer is
    /// never mistaken for a stall; `observer` hears of each attempt and of long waits.
    public func complete(
        _ request: ChatRequest, observer: CallObserver = CallObserver(),
        onDelta: (@Sendable (String) -> Void)? = nil
    ) async throws -> Outcome {
        var attempt = 0
        var started: UInt64?
        while true {
            attempt += 1
            try Task.checkCancellation()
            await limiter.acquire()
            if started == nil { started = DispatchTime.now().uptimeNanoseconds }
            observer.attempt(attempt)
            let index = pickBaseURL()
            let baseURL = endpoint.baseURLs[index]
            let mode = structuredFallback.mode(for: baseURL)
            let field = tokensField(for: baseURL)
            let result = await perform(
                request, baseURL: baseURL, mode: mode, tokensField: field, observer: observer, onDelta: onDelta)
            inFlight.withLock { $0[index] -= 1 }
            await limiter.release()
            switch result {
            case .success(let response):
                let latency = Double(DispatchTime.now().uptimeNanoseconds - started!) / 1e6
                return Outcome(
                    response: response, attempts: attempt, baseURL: baseURL, latencyMs: latency, structuredOutput: mode)
            case .failure(let failure):
                if Task.isCancelled { throw CancellationError() }
                if endpoint.maxTokensField == .auto, field == .maxTokens, Self.wantsMaxCompletionTokens(failure.error) {
                    tokensFields.withLock { $0[baseURL] = .maxCompletionTokens }
                    observer.notice("\(baseURL) wants max_completion_tokens instead of max_tokens; sending that from now on")
                    attempt -= 1  // as with a refused structured-output mode: not a failed attempt
                    continue
                }
                if let step = structuredFallback.stepDown(
                    after: failure.error, baseURL: baseURL, asked: request.responseFormat, sent: mode)
                {
                    if step.stepped {
                        observer.notice(
                            "\(baseURL) refused \(mode.rawValue) output; asking with \(step.mode.rawValue) from now on")
                    }
                    attempt -= 1  // the server told us what it supports: not a failed attempt
                    continue
                }
                guard failure.error.isRetryable, !failure.deliveredText, attempt < endpoint.maxAttempts else {
                    throw failure.error
                }
                try await Task.sleep(nanoseconds: UInt64(delay(attempt: attempt, retryAfter: failure.retryAfter) * 1e9))
            }
        }
    }

    /// The field that carries the token limit to `baseURL`: the configured one, or with `.auto`
    /// `max_tokens` until that server asked for `max_completion_tokens`.
    func tokensField(for baseURL: String) -> MaxTokensField {
        guard endpoint.maxTokensField == .auto else { return endpoint.maxTokensField }
        return tokensFields.withLock { $0[baseURL] } ?? .maxTokens
    }

    /// OpenAI's refusal of `max_tokens` for models that take only the newer field:
    /// 400 "Unsupported parameter: 'max_tokens' … Use 'max_completion_tokens' instead."
    static func wantsMaxCompletionTokens(_ error: LLMError) -> Bool {
        guard case .http(_, let status, let message) = error, status == 400 else { return false }
        return message.contains("max_completion_tokens") && message.contains("max_tokens")
    }

    /// How this client asks the first base URL for JSON: the configured mode, or with `.auto`
    /// what a one-token request with a tiny schema finds the server accepts.
    public func structuredOutputMode(model: String) async -> String {
        let baseURL = endpoint.baseURLs[0]
        guard endpoint.structuredOutput == .auto else { return "\(endpoint.structuredOutput.rawValue) (configured)" }
        let schema = #"{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}"#
        let probe = ChatRequest(
            model: model, messages: [.user("Answer {\"ok\": true}")], maxTokens: 1,
            responseFormat: .jsonSchema(name: "probe", schema: schema))
        do {
            _ = try await complete(probe)
            return "\(structuredFallback.mode(for: baseURL).rawValue) (auto, checked now)"
        } catch {
            return "auto (not checked: \(error))"
        }
    }

    /// The model ids the server lists (`GET /v1/models`).
    public func models(baseURL: String? = nil) async throws -> [String] {
        let url = (baseURL ?? endpoint.baseURLs[0]) + "/models"
        var request = HTTPRequest(url: url)
        request.headers = authorizationHeaders
        request.connectTimeout = endpoint.connectTimeout
        request.firstByteSeconds = min(endpoint.firstTokenSeconds, 30)
        request.stallSeconds = min(endpoint.stallSeconds, 10)
        let body = ByteBuffer()
        let result = await CurlTransport.run(request) { _, bytes in
            body.append(bytes); return true
        }
        if result.transferFailed { throw LLMError.connection(url: url, message: result.curlMessage) }
        guard result.status == 200 else {
            throw LLMError.http(url: url, status: result.status, message: LLMError.serverMessage(body.bytes))
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.bytes)) as? [String: Any],
            let data = object["data"] as? [[String: Any]]
        else {
            throw LLMError.malformed(url: url, message: "no model list in the answer")
        }
        return data.compactMap { $0["id"] as? String }
    }

    /// The base URL with the fewest requests in flight, first one on a tie (round-robin enough).
    private func pickBaseURL() -> Int {
        inFlight.withLock { counts in
            let index = counts.indices.min { counts[$0] < counts[$1] } ?? 0
            counts[index] += 1
            return index
        }
    }

    /// `Retry-After` when the server sent one (capped), else base·2ⁿ⁻¹ with ±50% jitter.
    func delay(attempt: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return min(max(0, retryAfter), max(endpoint.maxBackoff, 1)) }
        let exponential = min(endpoint.maxBackoff, endpoint.backoffBase * pow(2, Double(attempt - 1)))
        return exponential * Double.random(in: 0.5...1.5)
    }

    private var authorizationHeaders: [String] {
        apiKey.map { ["Authorization: Bearer \($0)"] } ?? []
    }

    struct Failure: Error {
        let error: LLMError
        let retryAfter: Double?
        let deliveredText: Bool
    }

    private func perform(
        _ request: ChatRequest, baseURL: String, mode: StructuredOutput, tokensField: MaxTokensField,
        observer: CallObserver,
        onDelta: (@Sendable (String) -> Void)?
    ) async -> Result<ChatResponse, Failure> {
        let url = baseURL + "/chat/completions"
        var http = HTTPRequest(url: url)
        http.method = "POST"
        http.headers = ["Content-Type: application/json", "Accept: text/event-stream"] + authorizationHeaders
        http.body = request.body(stream: true, structuredOutput: mode, tokensField: tokensField)
        http.connectTimeout = endpoint.connectTimeout
        http.firstByteSeconds = endpoint.firstTokenSeconds
        http.stallSeconds = endpoint.stallSeconds
        let probe = ServerProbe(
            modelsURL: baseURL + "/models", headers: authorizationHeaders,
            interval: min(10, Double(endpoint.hungSeconds) / 3), hungSeconds: endpoint.hungSeconds)
        defer { probe.stop() }
        // A reported wait is over at the first byte, or when the transfer ends without one.
        let reported = Mutex(false)
        let endWait: @Sendable () -> Void = {
            let waited = reported.withLock { was in
                defer { was = false }
                return was
            }
            if waited { observer.waiting(0) }
        }
        http.whileWaiting = { seconds in
            if seconds >= CallObserver.quietSeconds {
                reported.withLock { $0 = true }
                observer.waiting(seconds)
            }
            return probe.verdict == .waiting
        }
        let state = ResponseAccumulator(onDelta: onDelta)
        let result = await CurlTransport.run(http) { progress, bytes in
            endWait()
            return state.receive(progress, bytes)
        }
        endWait()
        return state.finish(result, request: http, verdict: probe.verdict)
    }
}

/// What a caller hears of one call while it runs: each attempt as it starts, the seconds waited
/// for a first token (0 when the wait is over), and one-line notices (e.g. a format fallback).
public struct CallObserver: Sendable {
    /// Waits shorter than this are not reported: a normal answer starts sooner.
    public static let quietSeconds = 5
    public var attempt: @Sendable (Int) -> Void
    public var waiting: @Sendable (Int) -> Void
    public var notice: @Sendable (String) -> Void

    public init(
        attempt: @escaping @Sendable (Int) -> Void = { _ in }, waiting: @escaping @Sendable (Int) -> Void = { _ in },
        notice: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.attempt = attempt
        self.waiting = waiting
        self.notice = notice
    }
}

/// Collects bytes from the transfer thread; read only after the transfer ended.
final class ByteBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [UInt8] = []
    func append(_ bytes: [UInt8]) { lock.withLock { storage += bytes } }
    var bytes: [UInt8] { lock.withLock { storage } }
}
