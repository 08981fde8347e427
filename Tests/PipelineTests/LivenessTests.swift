import Foundation
import Testing
@testable import Pipeline

/// Liveness against scripts/fault_server.py: waiting is not stalling, a hung or gone server is
/// found in bounded time, and a server that refuses a structured-output mode gets a lower one.
@Suite(.serialized)
struct LivenessTests {
    let server: FaultServer
    init() throws { server = try FaultServer() }

    func request(_ text: String = "hi", format: ResponseFormat? = nil) -> ChatRequest {
        ChatRequest(model: "fault-model", messages: [.user(text)], maxTokens: 32, seed: 1, responseFormat: format)
    }

    /// 3 s of silence before the first byte (a queued request) with a 1 s stall limit: the old
    /// bytes-per-second rule cut this; only silence *after* the first token is a stall now.
    @Test func aQueuedRequestIsNotAStall() async throws {
        let outcome = try await ChatClient(endpoint: server.endpoint("queued", stall: 1, firstToken: 30)).complete(
            request("queued"))
        #expect(outcome.response.text == "Hello, 世界!")
        #expect(outcome.attempts == 1)
    }

    /// A wait long enough to be reported is reported over (0) once the answer starts, so the
    /// status bar does not keep saying "waiting" while tokens stream in.
    @Test func aReportedWaitEndsWhenTheAnswerStarts() async throws {
        let waits = DeltaLog()
        let observer = CallObserver(waiting: { waits.add("\($0)") })
        let outcome = try await ChatClient(endpoint: server.endpoint("longqueue", stall: 1, firstToken: 30))
            .complete(request("long queue"), observer: observer)
        #expect(outcome.response.text == "Hello, 世界!")
        #expect(waits.all.first == "5")
        #expect(waits.all.last == "0")
        #expect(waits.all.filter { $0 == "0" }.count == 1)
    }

    /// A server that accepts connections and answers nothing, not even the probe: reported as
    /// hung after `hungSeconds`, not retried, with "waiting" reports while it lasted.
    @Test func aHungServerIsFoundInBoundedTime() async throws {
        let waits = DeltaLog()
        let attempts = DeltaLog()
        let observer = CallObserver(attempt: { attempts.add("\($0)") }, waiting: { waits.add("\($0)") })
        let started = Date()
        do {
            _ = try await ChatClient(endpoint: server.endpoint("hang", attempts: 3, hung: 6)).complete(
                request("hang"), observer: observer)
            Issue.record("expected no answer")
        } catch let error as LLMError {
            guard case .noAnswer(_, let message) = error else { Issue.record("\(error)"); return }
            #expect(message.hasPrefix("the server accepts connections but answered nothing for"))
        }
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 6 && elapsed < 20)
        #expect(attempts.all == ["1"])
        #expect(waits.all.contains("5"))
        #expect(waits.all.last == "0")
    }

    /// The completion never starts but the server answers its probes: alive and busy, so only
    /// the first-token limit ends the wait, and the message says the server is up.
    @Test func aBusyServerHitsTheFirstTokenLimitNotTheHungRule() async throws {
        do {
            _ = try await ChatClient(endpoint: server.endpoint("busy", attempts: 1, firstToken: 7, hung: 3)).complete(
                request("busy"))
            Issue.record("expected no answer")
        } catch let error as LLMError {
            #expect(
                error
                    == .noAnswer(
                        url: server.baseURL("busy") + "/chat/completions",
                        message: "no token in 7 s though the server is up (first_token_seconds)"))
        }
    }

    @Test func aServerThatIgnoresStreamIsRead() async throws {
        let deltas = DeltaLog()
        let outcome = try await ChatClient(endpoint: server.endpoint("jsononly")).complete(request()) { deltas.add($0) }
        #expect(outcome.response.text == "Hello, 世界!")
        #expect(outcome.response.usage == TokenUsage(promptTokens: 11, completionTokens: 7))
    }

    static let schema = #"{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}"#

    @Test func aRefusedGrammarAndSchemaFallBackToJSONObjectOnceAndAreRemembered() async throws {
        let notices = DeltaLog()
        let client = try ChatClient(endpoint: server.endpoint("noschema"))
        let format = ResponseFormat.jsonSchema(name: "t", schema: Self.schema)
        let first = try await client.complete(
            request("s1", format: format), observer: CallObserver(notice: { notices.add($0) }))
        #expect(first.attempts == 1)
        #expect(try await server.lastFormat("noschema") == "json_object")
        let before = try await server.stats().requests
        _ = try await client.complete(request("s2", format: format))
        #expect(try await server.stats().requests == before + 1)  // remembered: no second refusal
        let url = server.baseURL("noschema")
        #expect(
            notices.all == [
                "\(url) refused grammar output; asking with json_schema from now on",
                "\(url) refused json_schema output; asking with json_object from now on",
            ])
        #expect(client.structuredFallback.learnedModes == [url: .jsonObject])
    }

    /// An OpenAI-like endpoint takes the schema but not llama.cpp's grammar: one step down.
    @Test func aRefusedGrammarFallsBackToTheSchema() async throws {
        let client = try ChatClient(endpoint: server.endpoint("nogrammar"))
        _ = try await client.complete(request("g1", format: .jsonSchema(name: "t", schema: Self.schema)))
        #expect(try await server.lastFormat("nogrammar") == "json_schema")
        #expect(client.structuredFallback.learnedModes == [server.baseURL("nogrammar"): .jsonSchema])
    }

    /// Eight requests refused at once step down exactly one level: each refusal lowers the mode
    /// it was sent in, not the one the URL has reached meanwhile (before: grammar → json_schema →
    /// json_object → none, and the command failed).
    @Test func requestsRefusedAtOnceStepDownOneLevel() async throws {
        var endpoint = server.endpoint("nogrammar")
        endpoint.maxConcurrency = 8
        let client = try ChatClient(endpoint: endpoint)
        let notices = DeltaLog()
        let format = ResponseFormat.jsonSchema(name: "t", schema: Self.schema)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    _ = try await client.complete(
                        self.request("race\(index)", format: format),
                        observer: CallObserver(notice: { notices.add($0) }))
                }
            }
            try await group.waitForAll()
        }
        #expect(client.structuredFallback.learnedModes == [server.baseURL("nogrammar"): .jsonSchema])
        #expect(notices.all.count == 1)
        #expect(try await server.lastFormat("nogrammar") == "json_schema")
    }

    /// A server that takes only `max_completion_tokens` (OpenAI's reasoning models): with `auto`
    /// the refusal switches the field once, without counting an attempt, and later requests send
    /// it at once; a configured `max_tokens` is sent as it is and fails with the server's message.
    @Test func maxCompletionTokensIsLearnedFromTheRefusal() async throws {
        let notices = DeltaLog()
        let client = try ChatClient(endpoint: server.endpoint("newtokens"))
        let first = try await client.complete(request("t1"), observer: CallObserver(notice: { notices.add($0) }))
        #expect(first.attempts == 1)
        #expect(try await server.lastTokensField("newtokens") == "max_completion_tokens")
        let before = try await server.stats().requests
        _ = try await client.complete(request("t2"))
        #expect(try await server.stats().requests == before + 1)
        #expect(notices.all.count == 1 && notices.all[0].contains("max_completion_tokens"))
        var configured = server.endpoint("newtokens", attempts: 1)
        configured.maxTokensField = .maxTokens
        await #expect(throws: LLMError.self) { try await ChatClient(endpoint: configured).complete(request("t3")) }
        configured.maxTokensField = .maxCompletionTokens
        _ = try await ChatClient(endpoint: configured).complete(request("t4"))
        #expect(try await server.lastTokensField("newtokens") == "max_completion_tokens")
    }

    @Test func aServerWithNoStructuredOutputGetsThePromptAlone() async throws {
        let client = try ChatClient(endpoint: server.endpoint("noformat"))
        let outcome = try await client.complete(request("f", format: .jsonSchema(name: "t", schema: Self.schema)))
        #expect(outcome.response.text == "Hello, 世界!")
        #expect(try await server.lastFormat("noformat") == "none")
    }

    @Test func aConfiguredModeIsNeverSteppedDown() async throws {
        var endpoint = server.endpoint("noschema", attempts: 1)
        endpoint.structuredOutput = .jsonSchema
        await #expect(throws: LLMError.self) {
            try await ChatClient(endpoint: endpoint).complete(
                request("c", format: .jsonSchema(name: "t", schema: Self.schema)))
        }
        endpoint.structuredOutput = .jsonObject
        _ = try await ChatClient(endpoint: endpoint).complete(
            request("c2", format: .jsonSchema(name: "t", schema: Self.schema)))
        #expect(try await server.lastFormat("noschema") == "json_object")
    }

    @Test func anHTMLErrorPageIsItsStatusAndFirstLine() async throws {
        await #expect(
            throws: LLMError.http(
                url: server.baseURL("html501") + "/chat/completions", status: 501,
                message: "501 Not Implemented")
        ) {
            try await ChatClient(endpoint: server.endpoint("html501")).complete(request())
        }
    }

    /// A retried failure logs the attempts that really went out, not 1.
    @Test func theCallLogCountsEveryAttempt() async throws {
        let folder = FixtureFolder()
        let workspace = try Workspace(path: folder.path + "/w.sqlite")
        var config = WorkspaceConfig()
        config.teacher = server.endpoint("ok", attempts: 3)
        config.teacher.baseURLs = ["http://127.0.0.1:1/v1"]
        config.student = config.teacher
        let gateway = try LLMGateway(config: config, workspace: workspace)
        await #expect(throws: LLMError.self) {
            try await gateway.chat(.teacher, gateway.request(.teacher, [.user("x")]))
        }
        #expect(try workspace.recentCalls(limit: 1).first?.attempts == 3)
    }
}
