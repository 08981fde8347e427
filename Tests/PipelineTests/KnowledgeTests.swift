import Foundation
import Testing
@testable import Pipeline

/// The parser on real answers of the local model (collected from `bundlekd extract` runs on the
/// demo data) and on deliberately broken ones; the error taxonomy by hand.
struct AnswerParserTests {
    /// Real SmolLM2 answers, abridged only in their repeated middle.
    static let realProposal = """
        {
          "bundles": [{
            "intent": "Sour Gummy Worms",
            "items": [
              1,
              2,
              3
            ]
          }, {
            "intent": "Extra Virgin Olive Oil",
            "items": [4, 5]
          }]
        }
        """
    static let realConsolidation =
        #"{"rules":[{"rule":"1. The items in the bundles must be products that are not in the session.","sources":[1,4]}]}"#
    static let realTruncated = """
        {
          "rules": [
            {
              "rule": "1. The items in the bundles must be products that are not in the session.",
              "sources": [1, 4]
            },
            {
              "rule": "2. The items in the bundles must
        """

    /// A thoughts-trained student's answer: the reasoning may hold braces of its own; the bundles
    /// are the JSON after "Answer:" (products 2 and 3 here, not the {1, 4} the reasoning mentions).
    @Test func reasoningBeforeTheAnswer() throws {
        let text =
            #"Reasoning: {1, 4} are both cables, but 2 and 3 make a kit.\#nAnswer: {"bundles":[{"intent":"kit","items":[2,3]}]}"#
        #expect(try AnswerParser.bundles(in: text) == [ParsedBundle(items: [2, 3], intent: "kit")])
    }

    @Test func realAnswers() throws {
        #expect(
            try AnswerParser.bundles(in: Self.realProposal) == [
                ParsedBundle(items: [1, 2, 3], intent: "Sour Gummy Worms"),
                ParsedBundle(items: [4, 5], intent: "Extra Virgin Olive Oil"),
            ])
        let object = try AnswerParser.jsonValue(in: Self.realConsolidation) as? [String: Any]
        #expect((object?["rules"] as? [Any])?.count == 1)
        #expect(throws: ParseFailure(reason: "no JSON object or array in the answer")) {
            try AnswerParser.jsonValue(in: Self.realTruncated)
        }
    }

    @Test(arguments: [
        // Python-dict style, as the AICL prompts asked for.
        ("{'bundle1': ['product1', 'product3'], 'bundle2': ['product2', 'product10']}", [[1, 3], [2, 10]]),
        // Code fences and chatter around the JSON.
        (
            "Sure! Here are the bundles:\n```json\n{\"bundles\": [{\"items\": [\"Product 2\", \"item 4\"], \"intent\": \"x\"}]}\n```\nHope this helps.",
            [[2, 4]]
        ),
        // Natural key order: bundle10 after bundle2.
        (
            "{\"bundle10\": [\"product5\", \"product6\"], \"bundle2\": [\"product1\", \"product2\"]}",
            [[1, 2], [5, 6]]
        ),
        // A bare array of lists, a trailing comma, True/None literals nearby.
        ("[[1, 2,], [3, 4]] and {'ok': True, 'x': None}", [[1, 2], [3, 4]]),
        // Objects under bundle keys.
        ("{\"bundle1\": {\"products\": [\"product7\", \"product8\"], \"intent\": \"tea\"}}", [[7, 8]]),
    ])
    func tolerantShapes(answer: String, expected: [[Int]]) throws {
        #expect(try AnswerParser.bundles(in: answer).map(\.items) == expected)
    }

    @Test(arguments: [
        ("I could not find any bundles.", "no JSON object or array in the answer"),
        ("{\"bundles\": []}", "the answer lists no bundles"),
        ("{\"bundles\": [{\"items\": [\"the camera\", 2]}]}", "'the camera' is not a product reference"),
        ("{\"bundles\": [{\"intent\": \"no items\"}]}", "a bundle has no item list"),
    ])
    func brokenAnswersFailWithAReason(answer: String, reason: String) {
        #expect(throws: ParseFailure(reason: reason)) { try AnswerParser.bundles(in: answer) }
    }

    /// Ground truth {1,2,3} and {4,5} in a 6-item session, categorised by hand.
    @Test(arguments: [
        ([1, 2, 3], BundleErrorCategory.exact), ([6], .disjoint), ([1, 6], .partialWithExtra),
        ([3, 4], .partialWithExtra),
        ([1, 2], .multiItemSubset), ([5], .singleItem), ([2, 7], .hallucinated), ([], .hallucinated),
    ])
    func errorTaxonomy(predicted: [Int], category: BundleErrorCategory) {
        #expect(
            BundleErrors.categorize(predicted, sessionLength: 6, groundTruth: [[1, 2, 3], [4, 5]]).category == category)
    }

    @Test func templatesLoadAndHashBothTextAndSchema() throws {
        let templates = try StageTemplates.load()
        #expect(templates.propose.text.contains("{{products}}"))
        #expect(templates.propose.hash != PromptTemplate(name: "x", text: templates.propose.text, schema: nil).hash)
        let rendered = templates.thought.render([
            "domain": "food", "products": "product1: Tea", "ground_truth": "- products 1, 2: tea",
        ])
        #expect(rendered.contains("product1: Tea") && !rendered.contains("{{"))
        #expect(Extractor.withoutNumbering("3. Keep pairs") == "Keep pairs")
        #expect(Extractor.withoutNumbering("Keep 3. pairs") == "Keep 3. pairs")
    }
}

/// Each strategy on a hand-made set, checked against a hand computation.
struct SamplingTests {
    static func reference(_ id: String, items: Int, bundles: Int, domain: String = "d") -> SessionReference {
        let ids = (0..<items).map { "\(id)-\($0)" }
        let gt = (0..<bundles).map { GroundTruthBundle(id: "\(id)b\($0)", itemIDs: Array(ids.prefix(2)), intent: "x") }
        return SessionReference(domain: domain, session: Session(id: id, itemIDs: ids, bundles: gt))
    }

    static let sessions = [
        reference("a", items: 3, bundles: 1), reference("b", items: 7, bundles: 2),
        reference("c", items: 5, bundles: 3),
        reference("d", items: 9, bundles: 1), reference("e", items: 4, bundles: 2),
    ]

    @Test func countsRoundAndKeepAtLeastOne() {
        #expect(SessionSampler.count(ratio: 0.3, of: 5) == 2)  // 1.5 rounds to 2
        #expect(SessionSampler.count(ratio: 0.01, of: 5) == 1)
        #expect(SessionSampler.count(ratio: 1, of: 5) == 5)
        #expect(SessionSampler.count(ratio: 0.5, of: 0) == 0)
    }

    @Test func lengthTakesTheLongestSessions() {
        // Lengths a3 b7 c5 d9 e4: the two longest are d and b.
        #expect(
            SessionSampler.select(Self.sessions, strategy: .length, ratio: 0.4, seed: 1).map(\.session.id) == [
                "d", "b",
            ])
    }

    @Test func difficultyUsesErrorRatesThenBundleCounts() {
        // Without stage-2 results: bundles a1 b2 c3 d1 e2 → c first, then b and e (2 each).
        let fallback = SessionSampler.select(Self.sessions, strategy: .difficulty, ratio: 0.6, seed: 1).map(
            \.session.id)
        #expect(fallback.first == "c" && Set(fallback.dropFirst()) == ["b", "e"])
        // Measured sessions first, by error rate: a (0.9), d (0.5); then c by its 3 bundles.
        let rates = ["d/a": 0.9, "d/d": 0.5]
        #expect(
            SessionSampler.select(Self.sessions, strategy: .difficulty, ratio: 0.6, seed: 1, difficulty: rates).map(
                \.session.id) == ["a", "d", "c"])
    }

    @Test func randomIsReproducibleAndSeedDependent() {
        let first = SessionSampler.select(Self.sessions, strategy: .random, ratio: 0.6, seed: 7).map(\.session.id)
        #expect(
            first
                == SessionSampler.select(Self.sessions.reversed(), strategy: .random, ratio: 0.6, seed: 7).map(
                    \.session.id))
        let others = (1...20).map {
            SessionSampler.select(Self.sessions, strategy: .random, ratio: 0.6, seed: UInt64($0)).map(\.session.id)
        }
        #expect(Set(others.map { $0.joined() }).count > 1)
        #expect(first.count == 3)
    }

    /// Three planted clusters of titles; picking three sessions by diversity takes one from each.
    @Test func diversitySpreadsAcrossPlantedClusters() {
        let clusters = [
            "camera lens tripod memory card", "green tea matcha teapot kettle", "running shoes socks shorts jacket",
        ]
        var sessions: [SessionReference] = []
        var titles: [String: String] = [:]
        for (c, words) in clusters.enumerated() {
            for k in 0..<6 {
                let reference = Self.reference("c\(c)s\(k)", items: 2, bundles: 1)
                sessions.append(reference)
                titles[reference.key] = words + " variant\(k)"
            }
        }
        for seed in UInt64(1)...10 {
            let picked = SessionSampler.select(sessions, strategy: .diversity, ratio: 3.0 / 18.0, seed: seed) {
                titles[$0.key]!
            }
            #expect(Set(picked.map { $0.session.id.prefix(2) }) == ["c0", "c1", "c2"], "seed \(seed)")
        }
    }
}
