import Foundation
import Testing
@testable import Pipeline

/// A few hundred requests from three clients against the fault server's chaos mode (a random
/// fault per attempt, 4 slots, the rest queued in silence) at three times its slot count:
/// every request ends as an answer or a one-line error, each is logged exactly once, and the
/// whole run ends in bounded time.
@Suite(.serialized)
struct SoakTests {
    @Test func chaosAtThreeTimesTheSlotCount() async throws {
        let server = try FaultServer()
        let folder = FixtureFolder()
        let workspace = try Workspace(path: folder.path + "/soak.sqlite")
        var config = WorkspaceConfig()
        config.teacher = server.endpoint("chaos", attempts: 4, stall: 1, firstToken: 60, hung: 30)
        config.teacher.maxConcurrency = 4
        config.student = config.teacher
        let clients = try (0..<3).map { _ in try LLMGateway(config: config, workspace: workspace) }
        let requests = 300
        let started = Date()
        let outcomes = await withTaskGroup(of: (Int, String).self) { group in
            for index in 0..<requests {
                group.addTask {
                    let gateway = clients[index % clients.count]
                    let request = gateway.request(.teacher, [.user("soak request \(index)")], maxTokens: 16)
                    do {
                        let call = try await gateway.chat(.teacher, request)
                        return (
                            index, call.response.text == "Hello, 世界!" ? "answer" : "wrong answer: \(call.response.text)"
                        )
                    } catch let error as LLMError {
                        let line = "\(error)"
                        return (index, line.contains("\n") ? "multi-line error" : "error")
                    } catch {
                        return (index, "unexpected \(error)")
                    }
                }
            }
            var all: [Int: String] = [:]
            for await (index, outcome) in group { all[index] = outcome }
            return all
        }
        let elapsed = Date().timeIntervalSince(started)
        let counts = Dictionary(grouping: outcomes.values, by: { $0 }).mapValues(\.count)
        let calls = try workspace.recentCalls(limit: 10_000)
        let faults = try await server.statsObject()["faults"] as? [String: Int] ?? [:]
        print(
            "soak: \(requests) requests in \(String(format: "%.1f", elapsed)) s: \(counts.sorted { $0.key < $1.key }); "
                + "\(calls.map(\.attempts).reduce(0, +)) attempts; faults injected \(faults.sorted { $0.key < $1.key })"
        )
        #expect(outcomes.count == requests)
        #expect(Set(counts.keys).isSubset(of: ["answer", "error"]), "\(counts)")
        #expect((counts["answer"] ?? 0) > requests / 2)
        // Logged once each, with the attempts that went out (1-4), and the error where it failed.
        #expect(calls.count == requests)
        #expect(Set(calls.map(\.requestHash)).count == requests)
        #expect(calls.allSatisfy { (1...4).contains($0.attempts) })
        #expect(calls.filter { $0.error != nil }.count == counts["error"] ?? 0)
        #expect(faults.values.reduce(0, +) > requests)  // retries drew faults too
        #expect(elapsed < 180)
    }
}
