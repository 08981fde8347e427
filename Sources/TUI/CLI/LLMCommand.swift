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

    @Option(parsing: .unconditional, help: "Maximum tokens to generate (default: the endpoint's).")
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
        let source = call.cacheHit ? "cache hit" : counted(call.attempts, "attempt")
        let summary =
            "[call \(call.callID) · \(usage) · \(source) · \(Int(call.latencyMs)) ms · finish \(call.response.finishReason ?? "?")]\n"
        FileHandle.standardError.write(Data(summary.utf8))
    }
}

struct LLMLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "A table of recent calls: tokens, latency, cache hits, errors.")

    @OptionGroup var workspace: WorkspaceOptions

    @Option(parsing: .unconditional, help: "How many calls to list, newest first.")
    var last: Int = 20

    func run() throws {
        try reportingFailures {
            let config = try workspace.loadConfig()
            let calls = try workspace.openExistingWorkspace(config).recentCalls(limit: last)
            let rows = calls.map { call -> [String] in
                let prompt =
                    (try? JSONDecoder().decode([ChatMessage].self, from: Data(call.messages.utf8)))?.last?.content ?? ""
                return [
                    "\(call.id ?? 0)", ISO8601DateFormatter.time.string(from: call.createdAt), call.role, call.model,
                    call.promptTokens.map(String.init) ?? "-", call.cachedPromptTokens.map(String.init) ?? "-",
                    call.completionTokens.map(String.init) ?? "-", String(format: "%.0f", call.latencyMs),
                    call.cacheHit ? "hit" : "", "\(call.attempts)",
                    call.error.map { "error: " + String($0.prefix(40)) }
                        ?? String(prompt.replacingOccurrences(of: "\n", with: " ").prefix(40)),
                ]
            }
            print(
                TextTable.render(
                    headers: [
                        "id", "time", "role", "model", "prompt", "kv-cached", "completion", "ms", "cache", "tries",
                        "prompt / error",
                    ],
                    rows: rows, leftAligned: [1, 2, 3, 8, 10]))
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
