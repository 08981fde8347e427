import Foundation

/// A batch of short chat requests sent at the endpoint's concurrency, for the throughput
/// benchmark (scripts/bench_llm.py compares it with parallel curl processes).
public enum LLMBench {
    public struct Result: Sendable {
        public let requests: Int
        public let completionTokens: Int
        public let seconds: Double
        public let cacheHits: Int

        /// The line scripts/bench_llm.py reads.
        public var line: String {
            String(
                format:
                    "bundlekd.llm requests=%d completion_tokens=%d wall=%.4f tokens_per_s=%.1f cache_hits=%d "
                    + "http_requests=%d",
                requests, completionTokens, seconds, Double(completionTokens) / seconds, cacheHits, requests - cacheHits
            )
        }
    }

    /// The prompts scripts/bench_llm.py sends too.
    public static func prompt(_ index: Int) -> String { "Write one short sentence about product number \(index)." }

    public static func run(
        _ gateway: LLMGateway, role: LLMRole, requests: Int, maxTokens: Int, readCache: Bool
    ) async throws -> Result {
        let started = DispatchTime.now().uptimeNanoseconds
        let calls = try await withThrowingTaskGroup(of: LLMGateway.Call.self) { group in
            for index in 0..<requests {
                group.addTask {
                    try await gateway.chat(
                        role, gateway.request(role, [.user(prompt(index))], maxTokens: maxTokens),
                        cache: LLMGateway.CacheUse(read: readCache))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        return Result(
            requests: requests, completionTokens: calls.reduce(0) { $0 + ($1.response.usage?.completionTokens ?? 0) },
            seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9,
            cacheHits: calls.filter(\.cacheHit).count)
    }
}
