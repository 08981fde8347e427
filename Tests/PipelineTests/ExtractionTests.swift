import Foundation
import Testing
@testable import Pipeline

/// All three stages against the real local model (make test starts it), on demo sessions.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["LLM_BASE_URL"] != nil,
        "skipped: LLM_BASE_URL is not set (make test starts the local model server and sets it)"),
    .serialized)
struct ExtractionTests {
    static func gateway(concurrency: Int = 4) throws -> LLMGateway {
        var config = WorkspaceConfig()
        config.teacher = EndpointConfig(
            baseURLs: [ProcessInfo.processInfo.environment["LLM_BASE_URL"]!], model: "local",
            maxConcurrency: concurrency, maxTokens: 300, seed: 11)
        config.student = config.teacher
        return try LLMGateway(config: config, workspace: try Workspace())
    }

    static func demo() throws -> Dataset {
        let food = try DataSource.load(path: SharedData.repositoryRoot.appendingPathComponent("sessions").path).first {
            $0.domain == "food"
        }!
        return try Preprocessing.prepare(food)
    }

    @Test func allThreeStagesStoreItemsWithProvenance() async throws {
        let dataset = try Self.demo()
        let llm = try Self.gateway()
        let sample = dataset.sessions(in: .train).prefix(2).map { SessionReference(domain: "food", session: $0) }
        let events = DeltaLog()
        let summary = try await Extractor(gateway: llm).run(
            stages: [.pattern, .rule, .thought], datasets: [dataset], sample: Array(sample)
        ) { event in
            if case .itemStored(let item) = event { events.add(item.format.rawValue) }
            if case .tokens = event { events.add("token") }
        }
        let store = llm.workspace
        let patterns = try store.knowledge(format: .pattern)
        #expect(
            !patterns.isEmpty
                && patterns.allSatisfy { $0.text.contains("support") && $0.teacherModel == "fp-growth (no LLM)" })
        let thoughts = try store.knowledge(format: .thought)
        #expect(Set(thoughts.flatMap(\.sessionList)) == Set(sample.map(\.key)))
        #expect(
            thoughts.allSatisfy {
                !$0.text.isEmpty && $0.callList.count == 1 && $0.completionTokens > 0 && $0.templateHash.count == 64
            })
        // Rules: stored consolidated rules carry their source sessions and calls, or the step failed on record.
        let rules = try store.knowledge(format: .rule)
        #expect(
            rules.allSatisfy { !$0.callList.isEmpty && $0.sessionList.allSatisfy { sample.map(\.key).contains($0) } })
        #expect(rules.count + summary.failures > 0)
        #expect(events.all.contains("token"))
        #expect(summary.itemsStored[.thought] == 2)
    }

    /// Cancel after the first stored thought, run again: every session ends with exactly one
    /// thought, and no request went over HTTP twice.
    @Test func cancelledRunResumesWithoutDuplicates() async throws {
        let dataset = try Self.demo()
        // One session at a time, so the cancel lands between steps (in parallel all three can finish together).
        let llm = try Self.gateway(concurrency: 1)
        let sample = dataset.sessions(in: .train).prefix(3).map { SessionReference(domain: "food", session: $0) }
        let extractor = try Extractor(gateway: llm)
        let handle = TaskHandle()
        let first = Task {
            try await extractor.run(stages: [.thought], datasets: [dataset], sample: Array(sample)) { event in
                if case .itemStored = event { handle.cancel() }
            }
        }
        handle.set(first)
        _ = try? await first.value
        let afterCancel = try llm.workspace.knowledge(format: .thought).count
        #expect(afterCancel >= 1 && afterCancel < 3)
        let second = try await extractor.run(stages: [.thought], datasets: [dataset], sample: Array(sample)) { _ in }
        #expect(second.stepsResumed == afterCancel)
        let thoughts = try llm.workspace.knowledge(format: .thought)
        #expect(thoughts.count == 3)
        #expect(thoughts.map { $0.sessionList.first! }.sorted() == sample.map(\.key).sorted())
        let network = try llm.workspace.recentCalls(limit: 100).filter { !$0.cacheHit && $0.error == nil }
        #expect(Set(network.map(\.requestHash)).count == network.count)
    }
}

/// Lets an event callback cancel the task that runs it.
final class TaskHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<ExtractionSummary, Error>?
    private var cancelled = false

    func set(_ task: Task<ExtractionSummary, Error>) {
        lock.withLock {
            self.task = task; if cancelled { task.cancel() }
        }
    }

    func cancel() {
        lock.withLock {
            cancelled = true; task?.cancel()
        }
    }
}
