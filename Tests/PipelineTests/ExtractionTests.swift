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

    /// RQ2: nested samples (the smaller a prefix of the larger) share their leading consolidation
    /// chunk — its listing goes to the teacher once — and each sample selects exactly its own list.
    /// Per-session rules are stored by hand (one distinct rule a session), so only merges are asked.
    @Test func nestedSamplesShareTheirLeadingChunk() async throws {
        let dataset = try Self.demo()
        let llm = try Self.gateway()
        let extractor = try Extractor(gateway: llm)
        let small = KnowledgeSelection.sample(dataset, strategy: .random, ratio: 0.6, seed: 9)
        let large = KnowledgeSelection.sample(dataset, strategy: .random, ratio: 1.0, seed: 9)
        try #require(small.count > Extractor.consolidationChunk && large.count > small.count)
        #expect(Array(large.prefix(small.count)) == small)
        let hashes = extractor.templates.propose.hash.prefix(12) + "+" + extractor.templates.reflect.hash.prefix(12)
        for (index, reference) in large.enumerated() {
            let rules = SessionRules(
                rules: ["Bundle tea number \(index) with biscuits"], errors: ["partial"], errorRate: 0.5)
            try llm.workspace.complete(
                extractor.step(
                    "rules/\(reference.key)/local/\(hashes)", stage: .rule, domain: dataset.domain,
                    session: reference.session.id, status: .done, output: KnowledgeItem.json(rules)),
                items: [])
        }
        let run = RunState { _ in }
        try await extractor.consolidateRules(dataset, sessions: small, run: run)
        try await extractor.consolidateRules(dataset, sessions: large, run: run)
        // The first chunk's listing: sessions 0..<10 of either sample, numbered 1...10.
        let firstChunk = (0..<Extractor.consolidationChunk).map { "\($0 + 1). Bundle tea number \($0) with biscuits" }
            .joined(separator: "\n")
        let calls = try llm.workspace.calls(ids: Set(1...10_000))
        let escaped = firstChunk.replacingOccurrences(of: "\n", with: "\\n")
        #expect(calls.filter { $0.messages.contains(escaped) && !$0.cacheHit }.count == 1)
        let items = try llm.workspace.knowledge(domain: dataset.domain).filter { $0.format == .rule }
        let own = { (sample: [SessionReference]) in items.filter { $0.sampleKey == Extractor.sampleKey(sample) } }
        #expect(!own(small).isEmpty && !own(large).isEmpty)
        #expect(own(small).count <= Extractor.maxRules && own(large).count <= Extractor.maxRules)
        let selected = KnowledgeSelection(formats: [.rule], dataset: dataset, sample: small, stored: items).context
            .rules
        #expect(selected == own(small).map(\.text))
        // Every rule's sources lie inside its own sample.
        let smallKeys = Set(small.map(\.key))
        #expect(own(small).allSatisfy { Set($0.sessionList).isSubset(of: smallKeys) })
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

/// The chunks' rules pooled symbolically: the same rule from two chunks (numbering and case
/// aside) becomes one with both chunks' sessions, and support orders the list.
struct RulePoolingTests {
    @Test func theSameRuleFromTwoChunksPoolsItsSessions() {
        typealias Rule = Extractor.SourcedRule
        let chunks = [
            Rule(rule: "1. Bundle cases with tablets", sessions: ["e/1", "e/2"], errors: ["partial"], calls: [1]),
            Rule(rule: "2. Leave cables out", sessions: ["e/3"], errors: ["disjoint"], calls: [1]),
            Rule(rule: "1. Leave cables out", sessions: ["e/11", "e/12"], errors: ["exact"], calls: [2]),
            Rule(rule: "2. bundle cases with tablets", sessions: ["e/2", "e/13"], errors: [], calls: [2]),
            Rule(rule: "3. Two mice are alternatives", sessions: ["e/14"], errors: [], calls: [2]),
        ]
        let ranked = Extractor.ranked(chunks)
        // "Bundle cases…": e/1, e/2, e/13 (3); "Leave cables out": e/3, e/11, e/12 (3), later in
        // the list, so second; "Two mice…": 1.
        #expect(
            ranked.map(\.rule) == [
                "1. Bundle cases with tablets", "2. Leave cables out", "3. Two mice are alternatives",
            ])
        #expect(ranked[0].sessions == ["e/1", "e/13", "e/2"] && ranked[0].calls == [1, 2])
        #expect(ranked[1].sessions == ["e/11", "e/12", "e/3"] && ranked[1].errors == ["disjoint", "exact"])
    }
}
