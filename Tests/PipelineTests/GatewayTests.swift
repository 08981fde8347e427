import Foundation
import Testing
@testable import Pipeline

/// Cache and call log, with a real SQLite file and the fault server.
@Suite(.serialized)
struct GatewayTests {
    let server: FaultServer
    init() throws { server = try FaultServer() }

    func gateway(
        _ mode: String, apiKeyVariable: String? = nil, environment: [String: String] = [:],
        workspace: Workspace
    ) throws -> LLMGateway {
        var config = WorkspaceConfig()
        config.teacher = server.endpoint(mode)
        config.teacher.apiKeyVariable = apiKeyVariable
        config.student = config.teacher
        return try LLMGateway(config: config, workspace: workspace, environment: environment)
    }

    @Test func repeatedDeterministicCallIsServedFromTheDatabase() async throws {
        let folder = FixtureFolder()
        let workspace = try Workspace(path: folder.path + "/w.sqlite")
        #expect(workspace.journalMode == "wal")
        let llm = try gateway("ok", workspace: workspace)
        let request = llm.request(.teacher, [.user("cache me")])
        let first = try await llm.chat(.teacher, request)
        let before = try await server.stats().requests
        let second = try await llm.chat(.teacher, request)
        #expect(try await server.stats().requests == before)  // no HTTP request
        #expect(!first.cacheHit && second.cacheHit)
        #expect(second.response.text == first.response.text)
        let stats = try workspace.cacheStatistics()
        #expect(stats == CacheStatistics(entries: 1, calls: 2, hits: 1, errors: 0, tokensSaved: 7))
        // --no-cache sends it again; clearing the cache forgets it.
        _ = try await llm.chat(.teacher, request, cache: .init(read: false))
        #expect(try await server.stats().requests == before + 1)
        #expect(try workspace.clearCache() == 1)
        #expect(try !(await llm.chat(.teacher, request)).cacheHit)
    }

    @Test func errorsAreLoggedButNeverCached() async throws {
        let workspace = try Workspace()
        let llm = try gateway("bad400", workspace: workspace)
        let request = llm.request(.teacher, [.user("fails")])
        for _ in 0..<2 { await #expect(throws: LLMError.self) { try await llm.chat(.teacher, request) } }
        let calls = try workspace.recentCalls(limit: 10)
        #expect(calls.count == 2 && calls.allSatisfy { $0.error?.contains("HTTP 400") == true && !$0.cacheHit })
        #expect(try workspace.cacheStatistics().entries == 0)
    }

    @Test func nondeterministicRequestsAreNotServedFromCacheUnlessAsked() async throws {
        let workspace = try Workspace()
        let llm = try gateway("ok", workspace: workspace)
        let request = ChatRequest(
            model: "fault-model", messages: [.user("random")], temperature: 0.8, maxTokens: 32, seed: nil)
        _ = try await llm.chat(.teacher, request)
        #expect(try !(await llm.chat(.teacher, request)).cacheHit)
        #expect(try await llm.chat(.teacher, request, cache: .init(allowNondeterministic: true)).cacheHit)
    }

    @Test func apiKeysNeverReachTheDatabase() async throws {
        let folder = FixtureFolder()
        let path = folder.path + "/keys.sqlite"
        let secret = "sk-test-\(UUID().uuidString)"
        do {
            let workspace = try Workspace(path: path)
            let llm = try gateway(
                "ok", apiKeyVariable: "BUNDLEKD_TEST_KEY", environment: ["BUNDLEKD_TEST_KEY": secret],
                workspace: workspace)
            _ = try await llm.chat(.teacher, llm.request(.teacher, [.user("with a key")]))
            _ = try await llm.chat(.teacher, llm.request(.teacher, [.user("with a key")]), onDelta: { _ in })
        }
        for file in [path, path + "-wal", path + "-shm"] {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            #expect(data.range(of: Data(secret.utf8)) == nil, "\(file) holds the key")
            #expect(data.range(of: Data("BUNDLEKD_TEST_KEY".utf8)) == nil)
        }
        #expect(throws: LLMError.missingAPIKey(variable: "BUNDLEKD_TEST_KEY")) {
            try gateway("ok", apiKeyVariable: "BUNDLEKD_TEST_KEY", environment: [:], workspace: try Workspace())
        }
    }

    @Test func requestHashIgnoresTheEndpointButNotTheParameters() {
        let a = ChatRequest(model: "m", messages: [.user("x")], temperature: 0, maxTokens: 10, seed: 1)
        var b = a
        #expect(a.hash == b.hash)
        b.maxTokens = 11
        #expect(a.hash != b.hash)
        #expect(a.hash.count == 64)
    }

    /// The same body served by another GGUF or under another structured-output mode is another
    /// answer, so it must be another cache key; a request without a response format does not
    /// depend on the mode.
    @Test func theCacheKeyCarriesTheModeAndTheServingModel() throws {
        func key(_ toml: String, _ format: ResponseFormat?) throws -> String {
            let config = try WorkspaceConfig.parse(toml)
            let gateway = try LLMGateway(config: config, workspace: try Workspace())
            let request = gateway.request(.student, [.user("x")], responseFormat: format)
            return gateway.cacheKey(.student, request)
        }
        let schema = ResponseFormat.jsonSchema(name: "answer", schema: #"{"type":"object"}"#)
        let grammar = try key("[student]\nstructured_output = \"grammar\"\n", schema)
        let object = try key("[student]\nstructured_output = \"json_object\"\n", schema)
        let auto = try key("", schema)
        #expect(grammar != object)
        #expect(auto == grammar)  // auto asks with the grammar until a server refuses it
        let otherModel = try key("[local]\nmodel_path = \"/m/Other-135M.Q8_0.gguf\"\n", schema)
        #expect(otherModel != auto)
        let plainGrammar = try key("[student]\nstructured_output = \"grammar\"\n", nil)
        let plainObject = try key("[student]\nstructured_output = \"json_object\"\n", nil)
        #expect(plainGrammar == plainObject)
        let plainRequest = ChatRequest(model: "local", messages: [.user("x")], temperature: 0, maxTokens: 512, seed: 42)
        #expect(plainGrammar != plainRequest.hash)  // the local model file is in the key
    }

    @Test func configParsesRolesAndRefusesKeysInFiles() throws {
        let config = try WorkspaceConfig.parse(
            """
            database = "w.sqlite"
            [local]
            port = 18181
            [teacher]
            base_urls = ["http://a:1/v1", "http://b:2/v1"]
            model = "big"
            api_key_env = "OPENAI_API_KEY"
            temperature = 0.7
            [student]
            max_tokens = 64
            """)
        #expect(config.database == "w.sqlite")
        #expect(config.teacher.baseURLs == ["http://a:1/v1", "http://b:2/v1"])
        #expect(config.teacher.temperature == 0.7 && config.teacher.apiKeyVariable == "OPENAI_API_KEY")
        #expect(config.student.baseURLs == ["http://127.0.0.1:18181/v1"] && config.student.maxTokens == 64)
        #expect(config.usesLocalServer(.student) && !config.usesLocalServer(.teacher))
        #expect(
            throws: DataError(
                file: "bundlekd.toml", line: 2, field: "teacher.api_key",
                "keys must not be written in files; name an environment variable with api_key_env")
        ) {
            try WorkspaceConfig.parse("[teacher]\napi_key = \"sk-123\"")
        }
    }
}
