import Foundation
import Testing
@testable import Pipeline

/// The no-model baselines, session sets and replicate rounds, each against answers worked out by
/// hand in the comments.
struct BaselineRuleTests {
    /// Items named by their leaf category; "-" has none.
    static func item(_ id: String, _ leaf: String) -> Item {
        Item(id: id, title: "Title \(id)", categoryPaths: leaf == "-" ? [] : [["Electronics", leaf]])
    }

    static func session(_ id: String, _ items: [String], truth: [[Int]]) -> Session {
        Session(
            id: id, itemIDs: items,
            bundles: truth.enumerated().map { index, positions in
                GroundTruthBundle(id: "\(id)g\(index)", itemIDs: positions.map { items[$0 - 1] }, intent: "kit")
            })
    }

    /// s1: 4 products [Cases, Tablets, Cases, Cables], truth {1, 2, 3}.
    /// s2: 3 products [Mice, Keyboards, -], truth {2, 3}.
    /// s3: 5 products [Cables, Chargers, Cables, Mice, Chargers], truths {1, 2}, {4, 5}.
    /// train: t1 [Mice, Keyboards] bundled; t2 [Tablets, Cables, Cases] bundled all three.
    static func dataset() -> Dataset {
        let leaves = [
            "a": "Cases", "b": "Tablets", "c": "Cases", "d": "Cables", "e": "Mice", "f": "Keyboards", "g": "-",
            "h": "Cables", "i": "Chargers", "j": "Cables", "k": "Mice", "l": "Chargers",
            "m": "Mice", "n": "Keyboards", "o": "Tablets", "p": "Cables", "q": "Cases",
        ]
        let items = Dictionary(uniqueKeysWithValues: leaves.map { ($0.key, item($0.key, $0.value)) })
        let sessions = [
            session("s1", ["a", "b", "c", "d"], truth: [[1, 2, 3]]),
            session("s2", ["e", "f", "g"], truth: [[2, 3]]),
            session("s3", ["h", "i", "j", "k", "l"], truth: [[1, 2], [4, 5]]),
            session("t1", ["m", "n"], truth: [[1, 2]]),
            session("t2", ["o", "p", "q"], truth: [[1, 2, 3]]),
        ]
        return Dataset(
            domain: "electronic", sessions: sessions, items: items,
            split: ["s1": .test, "s2": .test, "s3": .test, "t1": .train, "t2": .train])
    }

    /// s1: 6 pairs, 3 inside {1,2,3}: 1/2. s2: 3 pairs, 1 inside: 1/3. s3: 10 pairs, 2 inside: 1/5.
    @Test func theExpectedRandomPairByHand() {
        let data = Self.dataset()
        let expected = [0.5, 1.0 / 3, 0.2]
        for (session, value) in zip(data.sessions(in: .test), expected) {
            #expect(abs(BaselineRule.expectedRandomPairPrecision(session) - value) < 1e-12)
        }
    }

    /// same-category: s1 the two Cases (1, 3); s2 none share a leaf: [1, 2]; s3 the two Cables (1, 3).
    /// first-pair: [1, 2] everywhere.
    @Test func firstPairAndSameCategoryByHand() {
        let data = Self.dataset()
        let tests = data.sessions(in: .test)
        #expect(tests.map { BaselineRule.sameCategory.answer($0, in: data, seed: 1) } == [[1, 3], [1, 2], [1, 3]])
        #expect(tests.map { BaselineRule.firstPair.answer($0, in: data, seed: 1) } == [[1, 2], [1, 2], [1, 2]])
    }

    /// The sample's bundles support (Mice, Keyboards) 1, (Tablets, Cables) 1, (Tablets, Cases) 1,
    /// (Cables, Cases) 1. s1: same-leaf Cases (1, 3) outranks every two-category pair. s2: no same
    /// leaf; (Mice, Keyboards) is supported: (1, 2). s3: the same-leaf pairs (1, 3) Cables and (2, 5)
    /// Chargers, both unsupported: the first in reading order, (1, 3). With no sample, s2 falls back.
    @Test func minedPairsByHand() {
        let data = Self.dataset()
        let support = CategoryPairSupport(sessions: data.sessions(in: .train), in: data)
        #expect(support.support("Keyboards", "Mice") == 1 && support.support("Cases", "Tablets") == 1)
        #expect(support.support("Mice", "Cables") == 0 && support.counts.count == 4)
        let tests = data.sessions(in: .test)
        #expect(
            tests.map { BaselineRule.minedPairs.answer($0, in: data, seed: 1, support: support) }
                == [[1, 3], [1, 2], [1, 3]])
        #expect(BaselineRule.minedPairs.answer(tests[1], in: data, seed: 1, support: nil) == [1, 2])
    }

    /// A same-category bundle of the sample outranks a pair seen once: Cables twice in one bundle.
    @Test func supportCountsAlternativesOncePerBundle() {
        var data = Self.dataset()
        data.sessions.append(Self.session("t3", ["h", "j", "d"], truth: [[1, 2, 3]]))
        data.split["t3"] = .train
        let support = CategoryPairSupport(sessions: data.sessions(in: .train), in: data)
        #expect(support.support("Cables", "Cables") == 1)
    }

    /// A random pair is two distinct in-range positions, the same for a session whatever the others,
    /// and different seeds give different pairs somewhere.
    @Test func randomPairsAreSeededPerSession() {
        let data = Self.dataset()
        let s3 = data.sessions(in: .test)[2]
        var seen = Set<[Int]>()
        for seed in UInt64(0)..<50 {
            let pair = BaselineRule.random.answer(s3, in: data, seed: seed)
            #expect(pair.count == 2 && pair[0] < pair[1] && pair[0] >= 1 && pair[1] <= 5)
            seen.insert(pair)
        }
        #expect(seen.count > 5)
        #expect(BaselineRule.random.answer(s3, in: data, seed: 7) == BaselineRule.random.answer(s3, in: data, seed: 7))
    }

    /// Baseline cells run without a model and the report scores them: first-pair on s1 hits
    /// ({1,2} ⊂ {1,2,3}), misses s2 and hits s3: precision 2/3; same-category hits s1 with (1, 3) and
    /// misses s2 and s3 (the Cables 1 and 3 are in no bundle): 1/3. Chance (1/2 + 1/3 + 1/5)/3 = 0.3444.
    @Test func baselineRunsAreStoredAndReported() async throws {
        let data = Self.dataset()
        let workspace = try Workspace()
        let gateway = try LLMGateway(config: WorkspaceConfig(), workspace: workspace)
        let runner = ExperimentRunner(gateway: gateway)
        for method in [UtilisationMethod.firstPair, .sameCategory] {
            _ = try await runner.run(ExperimentCell(formats: [], method: method), dataset: data) { _ in }
        }
        #expect(try workspace.cacheStatistics().calls == 0)
        let report = try ExperimentReport.build(workspace: workspace, datasets: [data], mode: .paper)
        #expect(report.rows.map(\.run.student) == ["no model", "no model"])
        #expect(abs(report.rows[0].metrics.precision - 2.0 / 3) < 1e-12)
        #expect(abs(report.rows[1].metrics.precision - 1.0 / 3) < 1e-12)
        #expect(abs(report.rows[0].shape.firstPairShare - 1) < 1e-12 && report.rows[1].shape.firstPairShare < 0.5)
        #expect(abs(report.chance[0].randomPairPrecision - (0.5 + 1.0 / 3 + 0.2) / 3) < 1e-12)
        #expect(report.rows[0].bestBaseline?.run.method == .sameCategory)
        #expect(report.markdown().contains("a uniformly random pair scores 0.344"))
    }

    /// The grid's cells: sample-free baselines once, mined-pairs once per ratio, whatever the formats;
    /// the grid adds the sample-free ones it lacks.
    @Test func baselineCellsInTheGrid() throws {
        let axes = try GridAxes.parse(
            formats: "none,rules", strategies: nil, ratios: "0.05,0.1", methods: "icl,same-category,mined-pairs",
            seed: 3, hasFineTunedStudent: false)
        let labels = axes.cells.map { "\($0.method.rawValue) \($0.formatLabel) \($0.formats.isEmpty ? 0 : $0.ratio)" }
        #expect(
            labels == [
                "same-category none 0.0", "mined-pairs patterns 0.05", "mined-pairs patterns 0.1", "icl none 0.0",
                "icl rules 0.05", "icl rules 0.1",
            ])
        let withBaselines = ExperimentGrid.withBaselines(axes.cells).map(\.method)
        #expect(withBaselines.filter(\.isBaseline).count == 5)
        #expect(Set(withBaselines).isSuperset(of: [.random, .firstPair, .sameCategory]))
    }
}

/// Which test sessions a run answers.
struct TestSessionsTests {
    /// 2 sessions of each length 2...6: stratified:7 takes none of length 2 and 2, 2, 2, 1 of the
    /// lengths 3, 4, 5, 6 (the remainder goes to the shortest lengths).
    @Test func stratifiedSetsTakeEquallyManyPerLength() throws {
        var sessions: [Session] = []
        var split: [String: SplitRole] = [:]
        for length in 2...6 {
            for copy in 0..<2 {
                let id = "L\(length)c\(copy)"
                sessions.append(Session(id: id, itemIDs: (1...length).map { "\(id)i\($0)" }))
                split[id] = .test
            }
        }
        let data = Dataset(domain: "d", sessions: sessions, items: [:], split: split)
        let chosen = try TestSessions.stratified(count: 7, seed: 1).select(from: data)
        let lengths = Dictionary(grouping: chosen, by: \.itemIDs.count).mapValues(\.count)
        #expect(lengths == [3: 2, 4: 2, 5: 2, 6: 1])
        #expect(try TestSessions.stratified(count: 7, seed: 1).select(from: data) == chosen)
        #expect(TestSessions.stratified(count: 7, seed: 1).label == "stratified:7 seed 1")
    }

    @Test func idFilesAndTheirProblems() throws {
        let data = BaselineRuleTests.dataset()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ids-\(UUID().uuidString).txt").path
        try "# pilot\ns3\ns1\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try TestSessions.parse(file, seed: 0).select(from: data).map(\.id) == ["s1", "s3"])
        try "s1\nnosuch\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: TestSessions.Problem.self) { try TestSessions.parse(file, seed: 0).select(from: data) }
        #expect(throws: TestSessions.Problem.self) { try TestSessions.parse("/nonexistent/ids.txt", seed: 0) }
        #expect(throws: TestSessions.Problem.self) { try TestSessions.parse("stratified:0", seed: 0) }
    }
}

/// Replicates: a later round is a new cache key, round 0 is the key from before rounds, and the
/// round is never sent.
struct ReplicateTests {
    @Test func theRoundEntersTheKeyNotTheBody() {
        var request = ChatRequest(model: "m", messages: [.user("hi")])
        let before = request.hash
        request.round = 0
        #expect(request.hash == before)
        request.round = 2
        #expect(request.hash != before)
        #expect(!String(decoding: request.body(stream: false), as: UTF8.self).contains("round"))
    }

    /// Rounds with precisions 0.5, 0.3, 0.4: mean 0.4, SD 0.1, range 0.2; answers changed in 1 of 2
    /// sessions in round 2 and 2 of 2 in round 3: 0.75.
    @Test func spreadByHand() {
        let a = [ParsedBundle(items: [1, 2])], b = [ParsedBundle(items: [2, 3])]
        let rounds: [[String: [ParsedBundle]?]] = [["x": a, "y": a], ["x": a, "y": b], ["x": b, "y": nil]]
        let spread = Replicates(runIDs: [1, 2, 3], precisions: [0.5, 0.3, 0.4], answers: rounds)
        #expect(abs(spread.mean - 0.4) < 1e-12 && abs(spread.sd - 0.1) < 1e-12 && abs(spread.range - 0.2) < 1e-12)
        #expect(abs(spread.changedShare! - 0.75) < 1e-12)
    }
}

/// One writer for answers: the worked example a student is shown and the SFT target it is
/// trained on are the same text for the same session.
struct BundleAnswerTests {
    @Test func examplesAndSFTTargetsAgree() {
        let data = ICLPromptTests.dataset()
        let example = data.sessions[1]
        var knowledge = KnowledgeContext()
        knowledge.thoughts["food/t2"] = "Both are baking."
        let prompt = ICLPromptBuilder().messages(
            for: data.sessions[2], in: data, knowledge: knowledge, training: [example])[0].content
        #expect(prompt.contains("Answer: " + SFTExport.answer(example)))
        #expect(SFTExport.answer(example) == #"{"bundles":[{"intent":"baking","items":[1,2]}]}"#)
        let grammar = CompactJSONGrammar.gbnf(schema: StageTemplates.proposeSchema(products: 2))!
        let object = grammar.split(separator: "\n").first { $0.contains("intent") && $0.contains("items") }!
        #expect(object.range(of: "intent")!.lowerBound < object.range(of: "items")!.lowerBound)
    }
}
