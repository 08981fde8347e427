import Foundation
import Synchronization

/// The one door every teacher and student call goes through: it serves repeated deterministic
/// requests from the workspace cache, sends the rest through the role's client, and logs every
/// call (hits, answers and failures) in the workspace.
public final class LLMGateway: Sendable {
    public let config: WorkspaceConfig
    public let workspace: Workspace
    private let teacher: ChatClient
    private let student: ChatClient
    /// Runs before a request goes over the network (not for cache hits): the CLI starts the
    /// local server here, so a fully cached run never waits for it.
    private let beforeNetwork: (@Sendable (LLMRole) async throws -> Void)?
    /// Hears the seconds a request has waited for its first token (0: the wait is over) and
    /// one-line notices such as a structured-output fallback.
    private let waiting: @Sendable (LLMRole, Int) -> Void
    private let notice: @Sendable (String) -> Void
    /// Token counts the servers' tokenizers gave, by role and text (see `tokenCount`).
    let tokenCounts = Mutex<[String: Int]>([:])
    /// Roles whose server has no `/tokenize` (asked once).
    let noTokenizer = Mutex<Set<LLMRole>>([])

    /// How one call may use the cache.
    public struct CacheUse: Sendable, Equatable {
        /// Look the request up before sending it (`--no-cache` turns this off; the answer is still logged and cached).
        public var read = true
        /// Serve even non-deterministic requests (temperature > 0 without a seed) from the cache.
        public var allowNondeterministic = false

        public init(read: Bool = true, allowNondeterministic: Bool = false) {
            self.read = read
            self.allowNondeterministic = allowNondeterministic
        }
    }

    /// A finished call: the answer and where it came from.
    public struct Call: Sendable {
        public let response: ChatResponse
        public let callID: Int64
        public let cacheHit: Bool
        public let attempts: Int
        public let latencyMs: Double
    }

    public init(
        config: WorkspaceConfig, workspace: Workspace,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        beforeNetwork: (@Sendable (LLMRole) async throws -> Void)? = nil,
        waiting: @escaping @Sendable (LLMRole, Int) -> Void = { _, _ in },
        notice: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        self.config = config
        self.beforeNetwork = beforeNetwork
        self.waiting = waiting
        self.notice = notice
        self.workspace = workspace
        teacher = try ChatClient(endpoint: config.teacher, environment: environment)
        student = try ChatClient(endpoint: config.student, environment: environment)
    }

    public func client(_ role: LLMRole) -> ChatClient { role == .teacher ? teacher : student }

    /// Starts the role's local server if it is not up (what a request does before the network).
    func prepareNetwork(_ role: LLMRole) async throws { try await beforeNetwork?(role) }

    /// A request for `role` with that endpoint's model and decoding defaults.
    public func request(
        _ role: LLMRole, _ messages: [ChatMessage], maxTokens: Int? = nil,
        responseFormat: ResponseFormat? = nil
    ) -> ChatRequest {
        let endpoint = config.endpoint(role)
        return ChatRequest(
            model: endpoint.model, messages: messages, temperature: endpoint.temperature,
            maxTokens: maxTokens ?? endpoint.maxTokens, seed: endpoint.seed, responseFormat: responseFormat)
    }

    /// The key `request` is cached under for `role`: the request, the structured-output mode it
    /// goes out in now (an answer that needed a step-down is stored under the mode that served
    /// it), and the local server's model file (another GGUF behind the same alias is another model).
    public func cacheKey(_ role: LLMRole, _ request: ChatRequest, mode: StructuredOutput? = nil) -> String {
        let client = client(role)
        let used =
            request.responseFormat == nil
            ? nil : mode ?? client.structuredFallback.mode(for: client.endpoint.baseURLs[0])
        let servedBy = config.localServer(for: role).map { URL(fileURLWithPath: $0.modelPath).lastPathComponent }
        return request.cacheKey(structuredOutput: used, servedBy: servedBy)
    }

    /// Sends (or serves from cache) one request; `onDelta` streams the text as it arrives. A
    /// cached answer is delivered to `onDelta` in one piece.
    public func chat(
        _ role: LLMRole, _ request: ChatRequest, cache: CacheUse = CacheUse(),
        onDelta: (@Sendable (String) -> Void)? = nil
    ) async throws -> Call {
        let hash = cacheKey(role, request)
        let started = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6 }
        if cache.read, request.isDeterministic || cache.allowNondeterministic,
            let hit = try workspace.cachedCall(hash: hash), let text = hit.responseText
        {
            let response = ChatResponse(
                text: text, finishReason: hit.finishReason,
                usage: hit.promptTokens.map {
                    TokenUsage(promptTokens: $0, completionTokens: hit.completionTokens ?? 0)
                },
                model: hit.model)
            onDelta?(text)
            var record = makeRecord(role, request, hash: hash, endpoint: hit.endpoint, streamed: onDelta != nil)
            record.responseText = text
            record.finishReason = hit.finishReason
            record.promptTokens = hit.promptTokens
            record.completionTokens = hit.completionTokens
            record.cacheHit = true
            record.attempts = 0
            record.latencyMs = elapsed()
            let id = try workspace.log(record)
            return Call(response: response, callID: id, cacheHit: true, attempts: 0, latencyMs: record.latencyMs)
        }
        var record = makeRecord(
            role, request, hash: hash, endpoint: config.endpoint(role).baseURLs[0], streamed: onDelta != nil)
        let attempts = AttemptCount()
        let waiting = self.waiting
        let observer = CallObserver(attempt: { attempts.set($0) }, waiting: { waiting(role, $0) }, notice: notice)
        do {
            try await beforeNetwork?(role)
            let outcome = try await client(role).complete(request, observer: observer, onDelta: onDelta)
            record.endpoint = outcome.baseURL
            record.requestHash = cacheKey(role, request, mode: outcome.structuredOutput)
            record.responseText = outcome.response.text
            record.finishReason = outcome.response.finishReason
            record.promptTokens = outcome.response.usage?.promptTokens
            record.cachedPromptTokens = outcome.response.usage?.cachedPromptTokens
            record.completionTokens = outcome.response.usage?.completionTokens
            record.attempts = outcome.attempts
            record.latencyMs = outcome.latencyMs  // time in the server, not in the local queue
            let id = try workspace.log(record)
            return Call(
                response: outcome.response, callID: id, cacheHit: false, attempts: outcome.attempts,
                latencyMs: record.latencyMs)
        } catch {
            record.error = error is CancellationError ? "cancelled" : "\(error)"
            record.attempts = attempts.value  // the attempts that really went out (0: none did)
            record.latencyMs = elapsed()
            _ = try? workspace.log(record)  // the original error matters more than a failed log write
            throw error
        }
    }

    private func makeRecord(
        _ role: LLMRole, _ request: ChatRequest, hash: String, endpoint: String, streamed: Bool
    ) -> LLMCallRecord {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let messages = String(decoding: (try? encoder.encode(request.messages)) ?? Data(), as: UTF8.self)
        let parameters = String(
            decoding: (try? JSONSerialization.data(
                withJSONObject: request.parameters,
                options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data(), as: UTF8.self)
        return LLMCallRecord(
            id: nil, createdAt: Date(), requestHash: hash, role: role.rawValue, endpoint: endpoint,
            model: request.model, messages: messages, parameters: parameters, streamed: streamed,
            responseText: nil, finishReason: nil, promptTokens: nil, cachedPromptTokens: nil, completionTokens: nil,
            latencyMs: 0, attempts: 1, error: nil, cacheHit: false)
    }
}

/// The number of the attempt under way, set from the client's observer.
private final class AttemptCount: Sendable {
    private let count = Mutex(0)
    func set(_ attempt: Int) { count.withLock { $0 = attempt } }
    var value: Int { count.withLock { $0 } }
}
