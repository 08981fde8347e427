import Foundation
import Testing
@testable import Pipeline

/// The client against scripts/fault_server.py on 127.0.0.1.
@Suite(.serialized)
struct ChatClientTests {
    let server: FaultServer
    init() throws { server = try FaultServer() }

    func request(_ text: String = "hi") -> ChatRequest {
        ChatRequest(model: "fault-model", messages: [.user(text)], maxTokens: 32, seed: 1)
    }

    @Test func plainCompletion() async throws {
        let outcome = try await ChatClient(endpoint: server.endpoint("ok")).complete(request())
        #expect(outcome.response.text == "Hello, 世界!")
        #expect(outcome.response.finishReason == "stop")
        #expect(outcome.response.usage == TokenUsage(promptTokens: 11, completionTokens: 7))
        #expect(outcome.attempts == 1)
    }

    @Test func streamingJoinsASplitCharacterAndReadsUsage() async throws {
        let deltas = DeltaLog()
        let outcome = try await ChatClient(endpoint: server.endpoint("ok")).complete(request()) { deltas.add($0) }
        #expect(deltas.all == ["Hello, 世界!"])
        #expect(outcome.response.text == "Hello, 世界!")
        #expect(outcome.response.usage == TokenUsage(promptTokens: 11, completionTokens: 7))
    }

    @Test func retryAfterIsHonoured() async throws {
        let started = Date()
        let outcome = try await ChatClient(endpoint: server.endpoint("retry429")).complete(request("429"))
        #expect(outcome.attempts == 2)
        #expect(Date().timeIntervalSince(started) >= 0.95)  // Retry-After: 1
    }

    @Test func serverErrorIsRetried() async throws {
        let outcome = try await ChatClient(endpoint: server.endpoint("flaky500")).complete(request("500"))
        #expect(outcome.attempts == 2)
        #expect(outcome.response.text == "Hello, 世界!")
    }

    @Test func clientErrorsSurfaceTheServersMessageAndAreNotRetried() async throws {
        let before = try await server.stats().requests
        await #expect(
            throws: LLMError.http(
                url: server.baseURL("bad400") + "/chat/completions", status: 400,
                message: "This model's maximum context length is 2048 tokens")
        ) {
            try await ChatClient(endpoint: server.endpoint("bad400")).complete(request())
        }
        #expect(try await server.stats().requests == before + 1)
    }

    @Test func connectionRefusedIsRetriedThenReported() async throws {
        var endpoint = server.endpoint("ok", attempts: 2)
        endpoint.baseURLs = ["http://127.0.0.1:1/v1"]
        do {
            _ = try await ChatClient(endpoint: endpoint).complete(request())
            Issue.record("expected a connection error")
        } catch let error as LLMError {
            guard case .connection(let url, _) = error else { Issue.record("\(error)"); return }
            #expect(url == "http://127.0.0.1:1/v1/chat/completions")
        }
    }

    @Test func malformedBodyIsReported() async throws {
        await #expect(
            throws: LLMError.malformed(
                url: server.baseURL("garbage") + "/chat/completions",
                message: "not a chat completion: <html>this is not json")
        ) {
            try await ChatClient(endpoint: server.endpoint("garbage")).complete(request())
        }
    }

    @Test func hugeResponseIsRead() async throws {
        let outcome = try await ChatClient(endpoint: server.endpoint("huge")).complete(request())
        #expect(outcome.response.text.utf8.count == 5_000_000)
    }

    @Test func responseOverTheLimitIsAborted() async throws {
        var http = HTTPRequest(url: server.baseURL("huge") + "/chat/completions")
        http.method = "POST"
        http.body = request().body(stream: false)
        http.maxResponseBytes = 100_000
        let result = await CurlTransport.run(http) { _, _ in true }
        #expect(result.tooLarge)
        #expect(result.transferFailed)
    }

    /// After one delta the server goes silent; with a 1 s stall limit the transfer is cut and,
    /// since text was already delivered, not retried.
    @Test func stalledStreamIsCut() async throws {
        let deltas = DeltaLog()
        let started = Date()
        do {
            _ = try await ChatClient(endpoint: server.endpoint("stall", attempts: 3, stall: 1)).complete(
                request("stall")
            ) { deltas.add($0) }
            Issue.record("expected a stall")
        } catch let error as LLMError {
            guard case .connection = error else { Issue.record("\(error)"); return }
        }
        #expect(deltas.all == ["Hel"])
        #expect(Date().timeIntervalSince(started) < 25)  // the server would stay silent for 30 s
    }

    /// Cancelling the task aborts the transfer: the server sees the connection close.
    @Test func cancellationClosesTheConnection() async throws {
        let client = try ChatClient(endpoint: server.endpoint("slow"))
        let deltas = DeltaLog()
        let task = Task { try await client.complete(request("slow")) { deltas.add($0) } }
        while deltas.all.count < 3 { try await Task.sleep(nanoseconds: 20_000_000) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        var disconnects = 0
        for _ in 0..<50 where disconnects == 0 {
            try await Task.sleep(nanoseconds: 100_000_000)
            disconnects = try await server.stats().disconnects
        }
        #expect(disconnects == 1)
        #expect(deltas.all.count < 50)
    }

    @Test func modelsAreListed() async throws {
        #expect(try await ChatClient(endpoint: server.endpoint("ok")).models() == ["fault-model"])
    }

    @Test func concurrencyIsBounded() async throws {
        let limiter = AsyncLimiter(limit: 2)
        let peak = DeltaLog()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    await limiter.acquire()
                    peak.add("\(await limiter.busy)")
                    try? await Task.sleep(nanoseconds: 20_000_000)
                    await limiter.release()
                }
            }
        }
        #expect(peak.all.compactMap(Int.init).max() == 2)
    }
}
