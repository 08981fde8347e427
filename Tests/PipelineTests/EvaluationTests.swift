import Foundation
import Testing
@testable import Pipeline

/// Metrics on hand-computed sessions covering every rule, parity with an independent Python
/// scorer, and the significance tests on cases with known answers.
struct EvaluationTests {
    static func session(_ id: String, length: Int, truth: [[Int]]) -> Session {
        let ids = (1...length).map { "\(id)-\($0)" }
        return Session(
            id: id, itemIDs: ids,
            bundles: truth.enumerated().map { index, positions in
                GroundTruthBundle(id: "\(id)g\(index)", itemIDs: positions.map { ids[$0 - 1] }, intent: "camera kit")
            })
    }

    static func bundles(_ lists: [[Int]]) -> [ParsedBundle] { lists.map { ParsedBundle(items: $0) } }

    static let predictions: [SessionPrediction] = [
        // S1: p1 ⊂ g1, p2 = g1 (hits g1 again), p3 misses, p4 single.
        SessionPrediction(
            session: session("s1", length: 6, truth: [[1, 2, 3], [4, 5]]),
            bundles: bundles([[1, 2], [1, 2, 3], [4, 6], [5]])),
        // S2: the same bundle twice: paper recall 2.
        SessionPrediction(
            session: session("s2", length: 4, truth: [[1, 2]]), bundles: bundles([[1, 2], [2, 1, 1]])),
        SessionPrediction(session: session("s3", length: 4, truth: [[1, 2]]), bundles: nil),
        SessionPrediction(session: session("s4", length: 4, truth: [[1, 2]]), bundles: bundles([[3]])),
        SessionPrediction(session: session("s5", length: 4, truth: [[1, 2]]), bundles: []),
        SessionPrediction(
            session: session("s6", length: 10, truth: [[9, 10]]),
            bundles: try! AnswerParser.bundles(in: #"{"bundle1": ["product9", "product10"]}"#)),
    ]

    /// Paper: s3, s4 excluded; precision (2/3 + 1 + 0 + 1)/4, recall (1 + 2 + 0 + 1)/4,
    /// coverage (2/3 + 1 + 1 + 1 + 1)/5.
    @Test func paperModeByHand() {
        let metrics = Scorer.score(Self.predictions, mode: .paper)
        #expect(metrics.excludedForParse == 1 && metrics.excludedAllSingle == 1 && metrics.evaluated.count == 4)
        #expect(abs(metrics.precision - (2.0 / 3 + 1 + 0 + 1) / 4) < 1e-12)
        #expect(abs(metrics.recall - 1.0) < 1e-12)
        #expect(metrics.sessions[1].recall == 2)
        #expect(abs(metrics.coverage - (2.0 / 3 + 1 + 1 + 1 + 1) / 5) < 1e-12)
        #expect(metrics.sessions[0].categories == [.multiItemSubset, .exact, .partialWithExtra])
    }

    /// Strict: all six count; precision (1/4 + 1/2 + 0 + 0 + 0 + 1)/6, recall (1/2 + 1 + 0 + 0 + 0 + 1)/6,
    /// coverage (2/3 + 1 + 1)/3.
    @Test func strictModeByHand() {
        let metrics = Scorer.score(Self.predictions, mode: .strict)
        #expect(metrics.evaluated.count == 6)
        #expect(abs(metrics.precision - 1.75 / 6) < 1e-12)
        #expect(abs(metrics.recall - 2.5 / 6) < 1e-12)
        #expect(abs(metrics.coverage - (2.0 / 3 + 2) / 3) < 1e-12)
        #expect(metrics.sessions.allSatisfy { $0.recall <= 1 })
    }

    @Test func rougeLByHand() {
        // LCS("camera accessories kit", "camera kit") = 2: P 2/3, R 1, F1 0.8.
        #expect(abs(RougeL.f1("Camera accessories kit", "camera kit") - 0.8) < 1e-12)
        #expect(RougeL.f1("tea", "coffee") == 0)
        #expect(RougeL.f1("", "coffee") == 0)
        let metrics = Scorer.score(
            [
                SessionPrediction(
                    session: Self.session("r", length: 3, truth: [[1, 2]]),
                    bundles: [ParsedBundle(items: [1, 2], intent: "camera accessories kit")])
            ], mode: .paper)
        #expect(abs((metrics.intentRougeL ?? 0) - 0.8) < 1e-12)
    }

    /// Random predictions for 300 sessions, scored here and by Fixtures/paper_scorer.py.
    @Test func paperModeMatchesAnIndependentPythonScorer() throws {
        var rng = SplitMix64(seed: 99)
        var predictions: [SessionPrediction] = []
        var json: [[String: Any]] = []
        for k in 0..<300 {
            let length = Int.random(in: 2...10, using: &rng)
            let truth = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                Array(
                    Set(
                        (0..<Int.random(in: 2...length, using: &rng)).map { _ in Int.random(in: 1...length, using: &rng)
                        })
                ).sorted()
            }.filter { $0.count >= 2 }
            guard !truth.isEmpty else { continue }
            let parsed: [[Int]]? =
                Int.random(in: 0..<10, using: &rng) == 0
                ? nil
                : (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                    (0..<Int.random(in: 1...4, using: &rng)).map { _ in Int.random(in: 1...length, using: &rng) }
                }
            predictions.append(
                SessionPrediction(
                    session: Self.session("p\(k)", length: length, truth: truth), bundles: parsed.map(Self.bundles)))
            json.append(["gt": truth, "pred": parsed.map { $0 as Any } ?? NSNull()])
        }
        let folder = FixtureFolder()
        let input = folder.path + "/predictions.json"
        try JSONSerialization.data(withJSONObject: ["sessions": json]).write(to: URL(fileURLWithPath: input))
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        python.arguments = [
            SharedData.repositoryRoot.appendingPathComponent("Tests/PipelineTests/Fixtures/paper_scorer.py").path,
            input,
        ]
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        python.waitUntilExit()
        let reference =
            try JSONSerialization.jsonObject(with: pipe.fileHandleForReading.readDataToEndOfFile()) as! [String: Double]
        let ours = Scorer.score(predictions, mode: .paper)
        #expect(abs(ours.precision - reference["precision"]!) < 1e-9)
        #expect(abs(ours.recall - reference["recall"]!) < 1e-9)
        #expect(abs(ours.coverage - reference["coverage"]!) < 1e-9)
        #expect(Double(ours.evaluated.count) == reference["evaluated"]!)
        #expect(Double(ours.excludedForParse + ours.excludedAllSingle) == reference["excluded"]!)
    }

    @Test func significanceOnKnownCases() {
        let values = (0..<30).map { Double($0 % 5) / 4 }
        #expect(Significance.pairedRandomization(values, values) == 1)
        let better = Array(repeating: 1.0, count: 20), worse = Array(repeating: 0.0, count: 20)
        #expect(Significance.pairedRandomization(better, worse) < 0.001)
        #expect(
            Significance.bootstrap(numerators: Array(repeating: 0.5, count: 10))
                == Significance.Interval(low: 0.5, high: 0.5))
        let interval = Significance.bootstrap(numerators: values)
        let mean = values.reduce(0, +) / Double(values.count)
        #expect(interval.low < mean && mean < interval.high)
        #expect(
            Significance.bootstrap(numerators: values, seed: 1) == Significance.bootstrap(numerators: values, seed: 1))
    }
}
