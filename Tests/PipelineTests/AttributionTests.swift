import Foundation
import Testing
@testable import Pipeline

/// Attribution by ablation and curated knowledge sets: the pure parts by hand, the whole path
/// against the real local model.
struct AttributionTests {
    static let pieces = (1...5).map { KnowledgePiece(format: .rule, text: "rule \($0)") }

    @Test func manyPiecesAreLeftOutInContiguousGroups() {
        #expect(Attribution.units(Self.pieces, maxUnits: 5).map(\.pieces.count) == [1, 1, 1, 1, 1])
        // ⌈5 / 2⌉ = 3 per group: rules 1–3, then 4–5.
        let grouped = Attribution.units(Self.pieces, maxUnits: 2)
        #expect(grouped.map { $0.pieces.map(\.text) } == [["rule 1", "rule 2", "rule 3"], ["rule 4", "rule 5"]])
        #expect(Attribution.units(Self.pieces, maxUnits: 5)[0].key == Self.pieces[0].key)
        #expect(grouped[0].key.hasPrefix("group:") && grouped[0].key != grouped[1].key)
        #expect(Attribution.units([], maxUnits: 3).isEmpty)
    }

    @Test func leavingOutRemovesEveryCopyOfThePieceOnly() {
        var context = KnowledgeContext()
        context.rules = ["keep", "drop", "drop"]
        context.patterns = ["drop"]
        context.thoughts = ["food/1": "drop", "food/2": "kept thought"]
        let left = context.leavingOut([KnowledgePiece(format: .rule, text: "drop")])
        #expect(left.rules == ["keep"] && left.patterns == ["drop"] && left.thoughts.count == 2)
        let noThought = context.leavingOut([KnowledgePiece(format: .thought, text: "drop")])
        #expect(noThought.thoughts == ["food/2": "kept thought"] && noThought.rules.count == 3)
    }

    /// Three sessions, scored by hand in paper mode (a hit is a subset of a ground-truth bundle):
    /// s1 with the rule [1,2] ⊆ {1,2} precision 1, without [1,3] precision 0 → helped;
    /// s2 with [1,3] precision 0, without [1,2] precision 1 → hurt; s3 the same answer → unchanged;
    /// s4 does not parse without the rule, so it is not paired.
    @Test func effectsPairSessionsAndCountHelpedAndHurt() {
        func session(_ id: String) -> Session {
            Session(
                id: id, itemIDs: ["a", "b", "c"],
                bundles: [GroundTruthBundle(id: "g\(id)", itemIDs: ["a", "b"], intent: "x")])
        }
        let good = [ParsedBundle(items: [1, 2])]
        let bad = [ParsedBundle(items: [1, 3])]
        let with = [
            SessionPrediction(session: session("s1"), bundles: good),
            SessionPrediction(session: session("s2"), bundles: bad),
            SessionPrediction(session: session("s3"), bundles: good),
            SessionPrediction(session: session("s4"), bundles: good),
        ]
        let without = [
            "s1": SessionPrediction(session: session("s1"), bundles: bad),
            "s2": SessionPrediction(session: session("s2"), bundles: good),
            "s3": SessionPrediction(session: session("s3"), bundles: good),
            "s4": SessionPrediction(session: session("s4"), bundles: nil),
        ]
        let effect = Attribution.effect(
            of: AttributionUnit([Self.pieces[0]]), with: with, without: without, mode: .paper)
        #expect(effect.sessions == 3)
        #expect((effect.helped, effect.hurt, effect.unchanged) == (1, 1, 1))
        #expect(abs(effect.precision.mean) < 1e-12)  // (+1 − 1 + 0) / 3
        #expect(effect.precision.ci.low < 0 && effect.precision.ci.high > 0)
        #expect(effect.summary.hasPrefix("helped 1 · hurt 1 · Δprecision 0.000 [-"))
        // Strict mode counts the parse failure as zero: s4 pairs too, and helped (1 vs 0).
        let strict = Attribution.effect(
            of: AttributionUnit([Self.pieces[0]]), with: with, without: without, mode: .strict)
        #expect(strict.sessions == 4 && strict.helped == 2 && abs(strict.precision.mean - 0.25) < 1e-12)
    }

    /// By hand: s1 A [1,2] hits, B [1,3] does not → hit → miss; s2 the reverse → miss → hit; s3
    /// both hit; s4 A does not parse: left out in paper mode, a miss (zero) in strict mode.
    @Test func flipsBetweenTwoRunsAreCountedPerSession() {
        let sessions = ["s1", "s2", "s3", "s4"].map { id in
            Session(
                id: id, itemIDs: ["a", "b", "c"],
                bundles: [GroundTruthBundle(id: "g\(id)", itemIDs: ["a", "b"], intent: "x")])
        }
        let dataset = Dataset(
            domain: "food", sessions: sessions, items: [:],
            split: Dictionary(uniqueKeysWithValues: sessions.map { ($0.id, .test) }))
        func answers(_ bundles: [String: String?]) -> [String: PredictionRecord] {
            bundles.mapValues { json in
                PredictionRecord(
                    id: nil, runId: 0, sessionId: "", rawText: "", bundles: json, parseError: nil, callId: nil)
            }
        }
        let hit = #"[{"items":[1,2]}]"#, miss = #"[{"items":[1,3]}]"#
        let a = answers(["s1": hit, "s2": miss, "s3": hit, "s4": nil])
        let b = answers(["s1": miss, "s2": hit, "s3": hit, "s4": hit])
        #expect(
            RunComparison.flips(a, b, dataset: dataset, mode: .paper)
                == [.init(sessionID: "s1", kind: .hitToMiss), .init(sessionID: "s2", kind: .missToHit)])
        #expect(
            RunComparison.flips(a, b, dataset: dataset, mode: .strict).last == .init(sessionID: "s4", kind: .missToHit))
    }

    /// Patterns are mined per sample, so a set drops the mined lines it disabled and adds its own.
    @Test func aSetDisablesMinedPatternsAndAddsItsOwn() {
        var context = KnowledgeContext()
        context.patterns = ["Tea + Teaware (support 50%, 2 bundles)", "Milk + Honey (support 25%, 1 bundles)"]
        context.rules = ["1. Keep."]
        var draft = KnowledgeCuration(domain: "food", items: [])
        draft.togglePattern("Milk + Honey (support 25%, 1 bundles)")
        draft.add("Lemon + Honey", format: .pattern, author: "ana")
        let curated = context.curated(by: draft.entries, formats: [.pattern, .rule])
        #expect(curated.patterns == ["Tea + Teaware (support 50%, 2 bundles)", "Lemon + Honey"])
        #expect(curated.rules == ["1. Keep."])  // the set holds no rule: the teacher's stay
        draft.togglePattern("Milk + Honey (support 25%, 1 bundles)")
        #expect(context.curated(by: draft.entries, formats: [.pattern]).patterns.count == 3)
        #expect(draft.edits.first == "disabled pattern “Milk + Honey (support 25”")  // its first 24 characters
    }

    @Test func curationRecordsEveryEditAsProvenance() {
        func item(_ id: Int64, _ text: String) -> KnowledgeItem {
            KnowledgeItem(
                id: id, createdAt: Date(), format: .rule, domain: "food", text: text, sessions: "[\"food/1\"]",
                errors: "[]", teacherModel: "t", templateHash: "h", callIds: "[]", promptTokens: 0,
                completionTokens: 0, cost: 0)
        }
        var draft = KnowledgeCuration(domain: "food", items: [item(7, "A"), item(8, "B"), item(9, "C")])
        draft.toggle(1)
        draft.edit(2, text: "C, sharper")
        draft.move(2, by: -2)
        draft.add("D", author: "ana")
        #expect(draft.entries.map(\.text) == ["C, sharper", "A", "B", "D"])
        #expect(draft.entries.map(\.provenance) == ["edited from rule 9", "rule 7", "rule 8", "added by ana"])
        #expect(
            draft.edits == [
                "disabled rule 8", "edited rule 9", "moved rule 9 to position 1",
                "added a rule at position 4",
            ])
        #expect(KnowledgeCuration.context(draft.entries, formats: [.rule]).rules == ["C, sharper", "A", "D"])
        #expect(KnowledgeCuration.context(draft.entries, formats: [.pattern]).isEmpty)
    }

    @Test func setsAreVersionedAndNamedByVersion() throws {
        let workspace = try Workspace()
        var draft = KnowledgeCuration(domain: "food", items: [])
        draft.add("one", author: "ana")
        #expect(try workspace.save(draft, name: "lean", author: "ana").reference == "lean@1")
        draft.add("two", author: "ana")
        #expect(try workspace.save(draft, name: "lean", author: "bo").reference == "lean@2")
        #expect(try workspace.knowledgeSet("lean")?.version == 2)
        #expect(try workspace.knowledgeSet("lean@1")?.entryList.map(\.text) == ["one"])
        #expect(try workspace.knowledgeSet("lean@x") == nil && workspace.knowledgeSet("other") == nil)
        #expect(try workspace.knowledgeSets().map(\.author) == ["ana", "bo"])
    }
}

/// The whole path on the real local model: a patterns cell, its attribution (grouped), the
/// rerun from the store, and a curated set run as a cell of its own.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["LLM_BASE_URL"] != nil,
        "skipped: LLM_BASE_URL is not set (make test starts the local model server and sets it)"),
    .serialized)
struct RealAttributionTests {
    @Test func attributionLeavesEachUnitOutAndACuratedSetIsACellOfItsOwn() async throws {
        let food = try DemoFood.dataset()
        let workspace = try Workspace()
        let runner = ExperimentRunner(gateway: try LLMGateway(config: DemoFood.config(), workspace: workspace))
        let cell = ExperimentCell(formats: [.pattern], ratio: 0.2)
        let run = try await runner.run(cell, dataset: food, testLimit: 3) { _ in }
        let (knowledge, _) = try await runner.knowledge(for: cell, dataset: food) { _ in }
        let pieces = knowledge.pieces(shownBy: runner.builder)
        try #require(pieces.count >= 2, "the sample mines at least two patterns")

        let effects = try await AttributionRunner(runner: runner).attribute(
            run, dataset: food, sessions: 2, maxUnits: 2
        ) { _ in }
        // ⌈pieces / 2⌉ per group: two units, each over the first two test sessions.
        #expect(effects.map(\.unit.pieces.count) == Attribution.units(pieces, maxUnits: 2).map(\.pieces.count))
        let ablations = try workspace.ablations(run: run.id!)
        #expect(ablations.count == 2 * 2 && Set(ablations.map(\.sessionId)).count == 2)
        #expect(try workspace.attributedRunIDs() == [run.id!])
        #expect(effects.allSatisfy { $0.helped + $0.hurt + $0.unchanged == $0.sessions && $0.sessions <= 2 })
        // Each ablated call's prompt holds none of its unit's patterns, and every other one.
        for ablation in ablations {
            let calls = try workspace.calls(
                ids: try JSONDecoder().decode([Int64].self, from: Data(ablation.callIds.utf8)))
            try #require(calls.count == 1)
            let prompt = try JSONDecoder().decode([ChatMessage].self, from: Data(calls[0].messages.utf8))
                .map(\.content).joined()
            let left = Set(ablation.pieceList)
            for piece in pieces { #expect(prompt.contains("- " + piece.text) == !left.contains(piece)) }
        }
        // The rerun finds every answer stored: no call at all.
        let callsBefore = try workspace.cacheStatistics().calls
        _ = try await AttributionRunner(runner: runner).attribute(run, dataset: food, sessions: 2, maxUnits: 2) { _ in }
        #expect(try workspace.cacheStatistics().calls == callsBefore)

        // A curated set that disables the second mined pattern: its own cell's prompt keeps the rest.
        var draft = KnowledgeCuration(domain: "food", items: [])
        draft.togglePattern(pieces[1].text)
        try workspace.save(draft, name: "one", author: "test")
        var curated = cell
        curated.knowledgeSet = "one"
        let curatedRun = try await runner.run(curated, dataset: food, testLimit: 1) { _ in }
        #expect(curatedRun.knowledgeSet == "one@1" && curatedRun.key.contains("|set:one@1|knowledge:"))
        #expect(curatedRun.label == "food patterns random 0.2 set one@1 icl")
        let prediction = try #require(try workspace.predictions(run: curatedRun.id!).first)
        let call = try #require(try workspace.calls(ids: prediction.allCallIDs).first)
        let prompt = try JSONDecoder().decode([ChatMessage].self, from: Data(call.messages.utf8)).map(\.content)
            .joined()
        #expect(prompt.contains("- " + pieces[0].text) && !prompt.contains("- " + pieces[1].text))
        #expect(curatedRun.id != run.id)
    }
}
