import Foundation
import Testing
@testable import Pipeline

/// Real completions from the local llama.cpp server that `make test` starts (it exports
/// LLM_BASE_URL). Answers from a 135M model are not checked for meaning, only for shape.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["LLM_BASE_URL"] != nil,
        "skipped: LLM_BASE_URL is not set (make test starts the local model server and sets it)"),
    .serialized)
struct LocalModelTests {
    let endpoint = EndpointConfig(
        baseURLs: [ProcessInfo.processInfo.environment["LLM_BASE_URL"] ?? ""],
        model: "local", maxConcurrency: 4, maxTokens: 48, seed: 7)

    func request(_ text: String, maxTokens: Int = 48, format: ResponseFormat? = nil) -> ChatRequest {
        ChatRequest(
            model: "local", messages: [.user(text)], temperature: 0, maxTokens: maxTokens, seed: 7,
            responseFormat: format)
    }

    @Test func realChatCompletion() async throws {
        let outcome = try await ChatClient(endpoint: endpoint).complete(
            request("What is the capital of France? Answer in one sentence."))
        #expect(!outcome.response.text.isEmpty)
        #expect(["stop", "length"].contains(outcome.response.finishReason))
        #expect((outcome.response.usage?.promptTokens ?? 0) > 0)
        #expect((outcome.response.usage?.completionTokens ?? 0) > 0)
    }

    @Test func realStreamedCompletion() async throws {
        let deltas = DeltaLog()
        let outcome = try await ChatClient(endpoint: endpoint).complete(request("Name three fruits.")) {
            deltas.add($0)
        }
        #expect(deltas.all.count > 1)
        #expect(deltas.all.joined() == outcome.response.text)
        #expect(["stop", "length"].contains(outcome.response.finishReason))
        #expect((outcome.response.usage?.completionTokens ?? 0) > 0)  // llama-server sends usage in the last chunk
    }

    @Test func realJSONSchemaAnswerParses() async throws {
        let schema =
            #"{"type":"object","properties":{"bundles":{"type":"array","maxItems":2,"items":{"type":"object","properties":{"intent":{"type":"string","maxLength":30},"items":{"type":"array","maxItems":3,"items":{"type":"integer"}}},"required":["intent","items"]}}},"required":["bundles"]}"#
        let outcome = try await ChatClient(endpoint: endpoint).complete(
            request(
                "Group: 1 camera, 2 lens, 3 tea. Answer in JSON.", maxTokens: 200,
                format: .jsonSchema(name: "bundles", schema: schema)))
        try #require(outcome.response.finishReason == "stop", "the answer was cut off: \(outcome.response.text)")
        let object = try JSONSerialization.jsonObject(with: Data(outcome.response.text.utf8)) as? [String: Any]
        #expect(object?["bundles"] is [Any])
    }

    @Test func gatewayLogsRealCallsAndServesTheRepeatFromCache() async throws {
        var config = WorkspaceConfig()
        config.student = endpoint
        config.teacher = endpoint
        let llm = try LLMGateway(config: config, workspace: try Workspace())
        let request = llm.request(.student, [.user("Say hello.")], maxTokens: 16)
        let first = try await llm.chat(.student, request)
        let second = try await llm.chat(.student, request)
        #expect(!first.cacheHit && second.cacheHit && second.response.text == first.response.text)
    }

    /// Two prompts that share a long prefix: the second is served mostly from the server's KV
    /// cache, and the call log records how many of its prompt tokens were (cache_prompt is on
    /// by default in llama-server).
    @Test func theCallLogRecordsPromptTokensServedFromTheKVCache() async throws {
        var config = WorkspaceConfig()
        config.student = endpoint
        config.teacher = endpoint
        let workspace = try Workspace()
        let llm = try LLMGateway(config: config, workspace: workspace)
        let shared = (1...40).map { "Rule \($0): a bundle holds products that are used together." }
            .joined(separator: "\n")
        func ask(_ text: String) async throws -> LLMGateway.Call {
            try await llm.chat(.student, llm.request(.student, [.system(shared), .user(text)], maxTokens: 4))
        }
        let first = try await ask("Say one.")
        let second = try await ask("Say two.")
        let usage = try #require(second.response.usage)
        let cached = try #require(usage.cachedPromptTokens, "llama-server reports prompt_tokens_details.cached_tokens")
        #expect(usage.promptTokens > 300 && cached > usage.promptTokens / 2, "\(cached) of \(usage.promptTokens)")
        let logged = try #require(try workspace.calls(ids: [second.callID]).first)
        #expect(logged.cachedPromptTokens == cached && logged.promptTokens == usage.promptTokens)
        #expect(first.response.usage?.cachedPromptTokens != nil)
    }

    /// The scale-out path: one role with two base URLs (here a second real llama-server beside
    /// the test server) and concurrency = their slots together. Both servers are kept busy — each
    /// takes at least its four slots' worth of the calls, as the call log's endpoint column shows —
    /// and every answer arrives.
    @Test func twoServersBehindOneRoleShareTheCalls() async throws {
        var second = WorkspaceConfig().local
        second.port = FreePorts.base(count: 1)
        second.slots = 4
        second.threads = 1
        let server = LocalServer(settings: second)
        try await server.start()
        defer { server.stop() }
        var config = WorkspaceConfig()
        config.student = endpoint
        config.student.baseURLs = [endpoint.baseURLs[0], second.baseURL]
        config.student.maxConcurrency = 8
        let workspace = try Workspace()
        let llm = try LLMGateway(config: config, workspace: workspace)
        let calls = try await withThrowingTaskGroup(of: LLMGateway.Call.self) { group in
            for index in 0..<24 {
                group.addTask {
                    let request = llm.request(.student, [.user("Name product \(index).")], maxTokens: 12)
                    return try await llm.chat(.student, request)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(calls.count == 24 && calls.allSatisfy { !$0.response.text.isEmpty })
        let endpoints = try workspace.calls(ids: calls.map(\.callID)).map(\.endpoint)
        let onSecond = endpoints.filter { $0 == second.baseURL }.count
        print("scale-out: \(onSecond) of 24 calls went to the second server")
        // The first eight calls fill both servers' four slots (least in flight first); after that a
        // freed slot takes the next call, so the faster server takes more — how many more depends on
        // the machine's load (16 and 20 of 24 in two CI runs), which is why only the floor is asserted.
        #expect(onSecond >= 4 && 24 - onSecond >= 4, "\(onSecond) of 24 calls went to the second server")
    }

    /// `[local] servers = 2`: one job starts both replicas of the student's embedded server on
    /// consecutive ports, both answer, and both are stopped when the job ends.
    @Test func replicasOfTheEmbeddedServerStartShareAndStop() async throws {
        let port = FreePorts.base(count: 3)  // two replicas and the teacher's default port after them
        var config = try WorkspaceConfig.parse("[local]\nport = \(port)\nslots = 2\nthreads = 1\nservers = 2\n")
        config.student.maxTokens = 12
        #expect(config.student.baseURLs == ["http://127.0.0.1:\(port)/v1", "http://127.0.0.1:\(port + 1)/v1"])
        #expect(config.student.maxConcurrency == 4)
        let workspace = try Workspace()
        let calls = try await LLMSession.run(
            config: config, workspace: workspace, report: { _ in }, waiting: { _, _ in }
        ) {
            llm in
            try await withThrowingTaskGroup(of: LLMGateway.Call.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        try await llm.chat(.student, llm.request(.student, [.user("Name product \(index).")]))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        let endpoints = try workspace.calls(ids: calls.map(\.callID)).map(\.endpoint)
        for url in config.student.baseURLs {
            // The first four calls fill both replicas' two slots (least in flight first).
            #expect(endpoints.filter { $0 == url }.count >= 2, "\(endpoints)")
        }
        for replica in config.local.replicaServers { #expect(!(await LocalServer(settings: replica).isHealthy())) }
    }

    /// Three clients with 4 requests in flight each against the server's 4 slots: 8 requests
    /// at a time wait in its queue with nothing on the wire. None may be cut off as stalled or
    /// retried, however busy the machine is; each answer is the one asked for (its own seed).
    @Test func loadBeyondTheSlotsIsQueuedNotFailed() async throws {
        let clients = try (0..<3).map { _ in try ChatClient(endpoint: endpoint) }
        let outcomes = try await withThrowingTaskGroup(of: ChatClient.Outcome.self) { group in
            for index in 0..<24 {
                group.addTask {
                    try await clients[index % 3].complete(
                        self.request("Count from \(index) to \(index + 20).", maxTokens: 40))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == 24)
        #expect(outcomes.allSatisfy { $0.attempts == 1 })
        #expect(outcomes.allSatisfy { !$0.response.text.isEmpty && ($0.response.usage?.completionTokens ?? 0) > 0 })
    }
}
