import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd llm …`: talk to the configured models and look at the call log.
struct LLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llm",
        abstract: "Chat with the teacher or student model, list recent calls, show endpoint status.",
        subcommands: [LLMChatCommand.self, LLMLogCommand.self, LLMStatusCommand.self, LLMBenchCommand.self])
}

extension LLMRole: ExpressibleByArgument {}

struct LLMChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat", abstract: "Send one prompt and print the answer.")

    @OptionGroup var workspace: WorkspaceOptions

    @Argument(help: "The prompt.")
    var prompt: String

    @Option(help: "Which endpoint answers: teacher or student.")
    var role: LLMRole = .student

    @Option(help: "An optional system message.")
    var system: String?

    @Option(help: "Maximum tokens to generate (default: the endpoint's).")
    var maxTokens: Int?

    @Flag(help: "Print the answer as it is generated.")
    var stream = false

    @Flag(help: "Ask for a JSON object (response_format json_object).")
    var json = false

    func run() async throws {
        let command = self
        try await runCommand { try await command.chat() }
    }

    private func send(_ gateway: LLMGateway) async throws -> LLMGateway.Call {
        let messages = (system.map { [ChatMessage.system($0)] } ?? []) + [ChatMessage.user(prompt)]
        let format: ResponseFormat? = json ? .jsonObject : nil
        let request = gateway.request(role, messages, maxTokens: maxTokens, responseFormat: format)
        var printer: (@Sendable (String) -> Void)?
        if stream { printer = { piece in FileHandle.standardOutput.write(Data(piece.utf8)) } }
        return try await gateway.chat(
            role, request, cache: LLMGateway.CacheUse(read: !workspace.noCache), onDelta: printer)
    }

    private func chat() async throws {
        let call = try await LLMSession.run(workspace, roles: [role], send)
        if stream { print("") } else { print(call.response.text) }
        let usage = call.response.usage.map { "\($0.promptTokens)+\($0.completionTokens) tokens" } ?? "tokens unknown"
        let source = call.cacheHit ? "cache hit" : "\(call.attempts) attempt\(call.attempts == 1 ? "" : "s")"
        let summary =
            "[call \(call.callID) · \(usage) · \(source) · \(Int(call.latencyMs)) ms · finish \(call.response.finishReason ?? "?")]\n"
        FileHandle.standardError.write(Data(summary.utf8))
    }
}

struct LLMLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "A table of recent calls: tokens, latency, cache hits, errors.")

    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "How many calls to list, newest first.")
    var last: Int = 20

    func run() throws {
        try reportingFailures {
            let config = try workspace.loadConfig()
            let calls = try workspace.openWorkspace(config).recentCalls(limit: last)
            let rows = calls.map { call -> [String] in
                let prompt =
                    (try? JSONDecoder().decode([ChatMessage].self, from: Data(call.messages.utf8)))?.last?.content ?? ""
                return [
                    "\(call.id ?? 0)", ISO8601DateFormatter.time.string(from: call.createdAt), call.role, call.model,
                    call.promptTokens.map(String.init) ?? "-", call.completionTokens.map(String.init) ?? "-",
                    String(format: "%.0f", call.latencyMs), call.cacheHit ? "hit" : "", "\(call.attempts)",
                    call.error.map { "error: " + String($0.prefix(40)) }
                        ?? String(prompt.replacingOccurrences(of: "\n", with: " ").prefix(40)),
                ]
            }
            print(
                TextTable.render(
                    headers: [
                        "id", "time", "role", "model", "prompt", "completion", "ms", "cache", "tries", "prompt / error",
                    ],
                    rows: rows, leftAligned: [1, 2, 3, 7, 9]))
        }
    }
}

struct LLMStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "What is configured, reachable and loaded, per role.")

    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        let options = workspace
        try await runCommand {
            let config = try options.loadConfig()
            let local = LocalServer(settings: config.local)
            print("workspace  \(options.databasePath(config))")
            print(
                "local      \(config.local.baseURL)  installed: \(local.isInstalled ? "yes" : "no (make llm)")  running: \(await local.isHealthy() ? "yes" : "no")"
            )
            for role in LLMRole.allCases {
                let endpoint = config.endpoint(role)
                let key =
                    endpoint.apiKeyVariable.map {
                        " key from $\($0)" + (ProcessInfo.processInfo.environment[$0] == nil ? " (not set)" : "")
                    } ?? ""
                print(
                    "\(role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) model \(endpoint.model), concurrency \(endpoint.maxConcurrency)\(key)"
                )
                for url in endpoint.baseURLs {
                    do {
                        var probe = endpoint
                        probe.baseURLs = [url]
                        probe.apiKeyVariable = endpoint.apiKeyVariable.flatMap {
                            ProcessInfo.processInfo.environment[$0] == nil ? nil : $0
                        }
                        let client = try ChatClient(endpoint: probe)
                        let models = try await client.models()
                        print("           \(url)  reachable, serving: \(models.joined(separator: ", "))")
                        print(
                            "           structured output: \(await client.structuredOutputMode(model: endpoint.model))")
                    } catch {
                        print("           \(url)  not reachable: \(error)")
                    }
                }
            }
        }
    }
}

/// `bundlekd cache stats|clear`.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "Inspect or clear the workspace's LLM answer cache.",
        subcommands: [CacheStatsCommand.self, CacheClearCommand.self])
}

struct CacheStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Cached answers, calls, hits and tokens saved.")
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        try reportingFailures {
            let config = try workspace.loadConfig()
            let stats = try workspace.openWorkspace(config).cacheStatistics()
            print(
                "cached answers \(stats.entries)\ncalls logged   \(stats.calls)\ncache hits     \(stats.hits)\nerrors         \(stats.errors)\ntokens saved   \(stats.tokensSaved)"
            )
        }
    }
}

struct CacheClearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear", abstract: "Forget every cached answer (the call log stays).")
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        try reportingFailures {
            let config = try workspace.loadConfig()
            print("removed \(try workspace.openWorkspace(config).clearCache()) cached answers")
        }
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let time: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime]
        return formatter
    }()
}

/// `bundlekd llm bench`: a batch of short requests at the endpoint's concurrency, for the
/// throughput benchmark (scripts/bench_llm.py compares it with parallel curl processes).
struct LLMBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Send a batch of short chat requests and print completion tokens per second.")

    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "How many requests.")
    var requests: Int = 16

    @Option(help: "Maximum tokens per answer.")
    var maxTokens: Int = 48

    @Option(help: "Which endpoint: teacher or student.")
    var role: LLMRole = .student

    func run() async throws {
        let command = self
        try await runCommand { try await command.bench() }
    }

    /// The prompts scripts/bench_llm.py sends too.
    static func prompt(_ index: Int) -> String { "Write one short sentence about product number \(index)." }

    private func bench() async throws {
        let (count, role, maxTokens, noCache) = (requests, role, maxTokens, workspace.noCache)
        let line: String = try await LLMSession.run(workspace, roles: [role]) { gateway in
            let started = DispatchTime.now().uptimeNanoseconds
            let calls = try await withThrowingTaskGroup(of: LLMGateway.Call.self) { group in
                for index in 0..<count {
                    group.addTask {
                        try await gateway.chat(
                            role, gateway.request(role, [.user(Self.prompt(index))], maxTokens: maxTokens),
                            cache: LLMGateway.CacheUse(read: !noCache))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let tokens = calls.reduce(0) { $0 + ($1.response.usage?.completionTokens ?? 0) }
            let hits = calls.filter(\.cacheHit).count
            return String(
                format:
                    "bundlekd.llm requests=%d completion_tokens=%d wall=%.4f tokens_per_s=%.1f cache_hits=%d http_requests=%d",
                count, tokens, seconds, Double(tokens) / seconds, hits, count - hits)
        }
        print(line)
    }
}
