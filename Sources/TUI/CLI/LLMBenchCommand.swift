import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd llm bench`: a batch of short requests at the endpoint's concurrency, for the
/// throughput benchmark (scripts/bench_llm.py compares it with parallel curl processes).
struct LLMBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Send a batch of short chat requests and print completion tokens per second.")

    @OptionGroup var workspace: WorkspaceOptions

    @Option(parsing: .unconditional, help: "How many requests.")
    var requests: Int = 16

    @Option(parsing: .unconditional, help: "Maximum tokens per answer.")
    var maxTokens: Int = 48

    @Option(help: "Which endpoint: teacher or student.")
    var role: LLMRole = .student

    func run() async throws {
        let (workspace, role, requests, maxTokens) = (workspace, role, requests, maxTokens)
        try await runCommand {
            let result = try await LLMSession.run(workspace, roles: [role]) { gateway in
                try await LLMBench.run(
                    gateway, role: role, requests: requests, maxTokens: maxTokens, readCache: !workspace.noCache)
            }
            print(result.line)
        }
    }
}
