import Foundation
import Testing
@testable import Pipeline

/// The efficiency columns and the share of the teacher's precision, on a workspace whose calls
/// and answers are written by hand; every expected number is worked out in the comments.
struct EfficiencyTests {
    /// Two test sessions of three products; each has one ground-truth bundle, products 1 and 2.
    func dataset() -> Dataset {
        let items = Dictionary(
            uniqueKeysWithValues: (1...6).map {
                ("I\($0)", Item(id: "I\($0)", title: "Item \($0)", categoryPaths: [["C"]]))
            })
        let sessions = [
            Session(
                id: "s1", itemIDs: ["I1", "I2", "I3"],
                bundles: [GroundTruthBundle(id: "g1", itemIDs: ["I1", "I2"], intent: "pair")]),
            Session(
                id: "s2", itemIDs: ["I4", "I5", "I6"],
                bundles: [GroundTruthBundle(id: "g2", itemIDs: ["I4", "I5"], intent: "pair")]),
        ]
        return Dataset(domain: "electronic", sessions: sessions, items: items, split: ["s1": .test, "s2": .test])
    }

    func call(_ workspace: Workspace, prompt: Int, completion: Int, ms: Double, cached: Bool = false) throws -> Int64 {
        try workspace.log(
            LLMCallRecord(
                id: nil, createdAt: Date(), requestHash: UUID().uuidString, role: "student", endpoint: "http://h/v1",
                model: "m", messages: "[]", parameters: "{}", streamed: true, responseText: "x", finishReason: "stop",
                promptTokens: prompt, completionTokens: completion, latencyMs: ms, attempts: 1, error: nil,
                cacheHit: cached))
    }

    func run(_ key: String, _ method: UtilisationMethod, formats: String, seconds: Double) -> RunRecord {
        RunRecord(
            id: nil, key: key, createdAt: Date(), domain: "electronic", student: "m",
            formats: FormatSet(label: formats)!,
            strategy: .random, ratio: 0.05, method: method, seed: 42, sessions: 2, studentPromptTokens: 0,
            studentCompletionTokens: 0, teacherTokens: formats == "none" ? 0 : 400, seconds: seconds, status: .done,
            teacherSeconds: formats == "none" ? nil : 12.5, modelBytes: 104_857_600, peakResidentBytes: nil)
    }

    func prediction(_ session: String, _ items: [Int], calls: [Int64], listed: Bool) -> PredictionRecord {
        PredictionRecord(
            id: nil, runId: 0, sessionId: session, rawText: "…", bundles: "[{\"items\":\(items)}]", parseError: nil,
            callId: calls.last, callIds: listed ? "\(calls)" : nil)
    }

    @Test func costPerSessionComesFromTheCallLog() throws {
        let workspace = try Workspace()
        let a = try call(workspace, prompt: 100, completion: 20, ms: 4000)
        let b = try call(workspace, prompt: 50, completion: 10, ms: 1000)
        let c = try call(workspace, prompt: 30, completion: 5, ms: 500)
        let t1 = try call(workspace, prompt: 80, completion: 8, ms: 9000)
        let t2 = try call(workspace, prompt: 80, completion: 8, ms: 9000)
        // The teacher answers both sessions right: [1,2] is the bundle. Precision 1 and 1.
        _ = try workspace.store(
            run("t", .teacher, formats: "none", seconds: 30),
            predictions: [
                prediction("s1", [1, 2], calls: [t1], listed: true),
                prediction("s2", [1, 2], calls: [t2], listed: true),
            ])
        // The student: s1 right (precision 1, two calls), s2 [2,3] is no subset of {1,2}: a miss,
        // precision 0; s2's answer is stored the pre-v6 way (callId only).
        _ = try workspace.store(
            run("s", .icl, formats: "rules", seconds: 10),
            predictions: [
                prediction("s1", [1, 2], calls: [a, b], listed: true),
                prediction("s2", [2, 3], calls: [c], listed: false),
            ])
        let report = try ExperimentReport.build(workspace: workspace, datasets: [dataset()], mode: .paper)
        let student = try #require(report.rows.first { $0.run.method == .icl })
        // 3 calls over 2 sessions; prompt (100 + 50 + 30) / 2 = 90; completion (20 + 10 + 5) / 2 = 17.5;
        // 10 s over 2 sessions = 5 s; distillation as stored: 400 tokens, 12.5 s.
        #expect(
            student.efficiency
                == Efficiency(
                    calls: 1.5, promptTokens: 90, completionTokens: 17.5, seconds: 5, modelBytes: 104_857_600,
                    peakResidentBytes: nil, distillationTokens: 400, distillationSeconds: 12.5))
        // Precision (1 + 0) over the teacher's (1 + 1) = 0.5. Resampling the two pairs, a resample
        // of only s2 gives 0 (probability 1/4) and of only s1 gives 1: the 95% interval is [0, 1].
        let ratio = try #require(student.teacherRatio)
        #expect(ratio.value == 0.5 && ratio.ci == Significance.Interval(low: 0, high: 1))
        let teacher = try #require(report.rows.first { $0.run.method == .teacher })
        #expect(teacher.teacherRatio == nil && teacher.efficiency.calls == 1 && teacher.efficiency.seconds == 15)
        // The markdown has both tables; the cost row reads 1.50 calls, 90 / 18 tokens (17.5 rounds to even),
        // 5.00 s, a 100 MB model, unknown peak memory, 400 tokens and 12 s (12.5 rounds to even) of distillation.
        let markdown = report.markdown()
        #expect(
            markdown.contains(
                "| electronic | rules | random | 0.05 | icl | 1.50 | 90 | 18 | 5.00 | 100 | - | 400 | 12 |"))
        #expect(markdown.contains("| 0.50 [0.00, 1.00] |"))
    }

    /// A run that extends an earlier one gets its old sessions' answers from the cache in no time,
    /// so its seconds per session count only the sessions the model answered in it.
    @Test func secondsPerSessionLeaveOutCachedAnswers() throws {
        let workspace = try Workspace()
        let old = try call(workspace, prompt: 40, completion: 4, ms: 2, cached: true)
        let new = try call(workspace, prompt: 60, completion: 6, ms: 6000)
        _ = try workspace.store(
            run("extended", .icl, formats: "none", seconds: 8),
            predictions: [
                prediction("s1", [1, 2], calls: [old], listed: true),
                prediction("s2", [4, 5], calls: [new], listed: true),
            ])
        let again = try call(workspace, prompt: 40, completion: 4, ms: 1, cached: true)
        let twice = try call(workspace, prompt: 60, completion: 6, ms: 1, cached: true)
        _ = try workspace.store(
            run("cached", .teacher, formats: "none", seconds: 0.01),
            predictions: [
                prediction("s1", [1, 2], calls: [again], listed: true),
                prediction("s2", [4, 5], calls: [twice], listed: true),
            ])
        let report = try ExperimentReport.build(workspace: workspace, datasets: [dataset()], mode: .paper)
        let extended = try #require(report.rows.first { $0.run.key == "extended" })
        // 8 s for the one session the model answered (s2); the tokens still count both answers:
        // prompt (40 + 60) / 2 = 50, completion (4 + 6) / 2 = 5.
        #expect(extended.efficiency.seconds == 8)
        #expect(extended.efficiency.promptTokens == 50 && extended.efficiency.completionTokens == 5)
        let cached = try #require(report.rows.first { $0.run.key == "cached" })
        #expect(cached.efficiency.seconds == nil)
        #expect(report.markdown().contains("| electronic | none | - | - | teacher | 1.00 | 50 | 5 | - |"))
    }

    /// An sft run's cost row carries its student's one-off training, from the stored training JSON.
    @Test func anSFTRowShowsItsStudentsTraining() throws {
        let workspace = try Workspace()
        try workspace.register(
            StudentModelRecord(
                name: "m", createdAt: Date(), sample: "random 0.05 seed 42", knowledge: "rules", baseURL: "http://h/v1",
                model: "m", command: "LoRA", outputDir: "/x", modelPath: "/b.gguf",
                trainingConfig: #"{"wallSeconds": 90.4, "peakMemoryBytes": 3145728, "rows": 9}"#,
                adapterPath: "/x/adapter.gguf"))
        let answer = try call(workspace, prompt: 10, completion: 2, ms: 100)
        _ = try workspace.store(
            run("tuned", .sft, formats: "rules", seconds: 4),
            predictions: [prediction("s1", [1, 2], calls: [answer], listed: true)])
        let report = try ExperimentReport.build(workspace: workspace, datasets: [dataset()], mode: .paper)
        let row = try #require(report.rows.first)
        #expect(row.efficiency.trainingSeconds == 90.4 && row.efficiency.trainingPeakBytes == 3_145_728)
        // 90.4 s prints as 90; 3,145,728 bytes are 3 MB; the 1 call and 10 / 2 tokens are over the 1 stored answer.
        #expect(report.markdown().contains("| electronic | rules | random | 0.05 | sft | 1.00 | 10 | 2 | 4.00 | 100 | - | 400 | 12 | 90 | 3 |"))
    }
}

/// AICL's bundle auto-feedback, against ground truth {1,2,3} and {4,5} in a 6-product session.
struct AICLFeedbackTests {
    @Test func eachBundleGetsThePapersTip() {
        let truth: [Set<Int>] = [[1, 2, 3], [4, 5]]
        // [1,2,3] equals a truth (Jaccard 1); [4] is inside {4,5} with one product; [4,5,6] overlaps
        // {4,5} by 2/3 without being inside it; [6] overlaps nothing; [1,2] is inside {1,2,3}.
        let feedback = AICLPipeline.feedback(
            [[1, 2, 3], [4], [4, 5, 6], [6], [1, 2]].map { ParsedBundle(items: $0) }, truth: truth, items: 6)
        #expect(
            feedback
                == .tips(
                    """
                    Here are some tips for the detected bundles:
                    Bundle 1 (products 1, 2, 3) is correct and should be kept.
                    Bundle 2 (products 4) should contain at least 2 related products.
                    Bundle 3 (products 4, 5, 6) contains irrelevant products that should be removed.
                    Bundle 4 (products 6) is invalid and should be removed.
                    Bundle 5 (products 1, 2) is missing some products; append related ones from the sequence.
                    Output the corrected bundles with the same JSON.
                    """))
        #expect(AICLPipeline.feedback([ParsedBundle(items: [4, 5])], truth: truth, items: 6) == .allCorrect)
        #expect(AICLPipeline.feedback([ParsedBundle(items: [5, 7])], truth: truth, items: 6) == .hallucinated)
    }

    /// The teacher rows use no knowledge: one cell each, first, whatever the format axis holds.
    @Test func teacherReferencesAreOneCellEach() {
        let cells = GridAxes(formats: [[], [.rule]], methods: [.icl, .teacher, .aicl]).cells
        #expect(cells.map(\.method) == [.teacher, .aicl, .icl, .icl])
        #expect(cells.prefix(2).allSatisfy(\.formats.isEmpty) && cells[3].formats == [.rule])
    }
}

/// Knowledge pooled across domains (the paper's multi-domain accumulation): a food cell that
/// draws patterns from food and electronic holds both domains' patterns, food's first, each
/// mined from its own sample exactly as a single-domain cell of that domain would.
struct PooledKnowledgeTests {
    @Test func patternsPoolAcrossDomains() async throws {
        let all = try DataSource.load(path: SharedData.repositoryRoot.appendingPathComponent("sessions").path)
            .map { try Preprocessing.prepare($0) }
        let food = try #require(all.first { $0.domain == "food" })
        let electronic = try #require(all.first { $0.domain == "electronic" })
        var config = WorkspaceConfig()
        config.teacher.baseURLs = ["http://127.0.0.1:9/v1"]  // patterns need no model: nothing may be called
        let runner = ExperimentRunner(gateway: try LLMGateway(config: config, workspace: try Workspace()))
        let cell = ExperimentCell(formats: [.pattern], ratio: 0.5, knowledgeDomains: ["food", "electronic"])
        let (pooled, cost) = try await runner.knowledge(for: cell, dataset: food, sources: [electronic]) { _ in }
        func alone(_ dataset: Dataset) -> [String] {
            let sample = KnowledgeSelection.sample(dataset, strategy: .random, ratio: 0.5, seed: 42)
            return KnowledgeSelection(formats: [.pattern], dataset: dataset, sample: sample, stored: []).context
                .patterns
        }
        #expect(!alone(food).isEmpty && !alone(electronic).isEmpty)
        #expect(pooled.patterns == alone(food) + alone(electronic))
        #expect(cost.tokens == 0)
        await #expect(throws: DataError.self) {
            _ = try await runner.knowledge(
                for: ExperimentCell(formats: [.pattern], knowledgeDomains: ["food", "garden"]), dataset: food
            ) { _ in }
        }
    }
}
