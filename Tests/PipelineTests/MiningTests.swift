import Foundation
import Testing
@testable import Pipeline

/// FP-growth, rules and the guard. Expected values are hand-computed, published, or produced
/// by the brute-force enumerator below, never by the miner itself.
struct MiningTests {
    func labelled(_ result: FrequentItemsets) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: result.labelled().map { ($0.items.sorted().joined(), $0.support) })
    }

    /// Han, Pei & Yin (2000), table 1, minimum support 3: f:4 c:4 a:3 b:3 m:3 p:3, the
    /// {f,c,a,m} family at 3, and {c,p} at 3 — 18 itemsets.
    @Test func textbookExample() {
        let transactions = TransactionSet([
            ["f", "a", "c", "d", "g", "i", "m", "p"], ["a", "b", "c", "f", "l", "m", "o"],
            ["b", "f", "h", "j", "o"], ["b", "c", "k", "s", "p"], ["a", "f", "c", "e", "l", "p", "m", "n"],
        ])
        let found = labelled(FPGrowth(minSupport: 3).mine(transactions))
        var expected = ["f": 4, "c": 4, "a": 3, "b": 3, "m": 3, "p": 3, "cp": 3]
        for subset in ["cf", "af", "fm", "ac", "cm", "am", "acf", "cfm", "afm", "acm", "acfm"] { expected[subset] = 3 }
        #expect(found == expected)
        #expect(labelled(FPGrowth(minSupport: 3, minSize: 2, maxSize: 2).mine(transactions)).count == 7)
    }

    @Test func edgeCases() {
        #expect(FPGrowth(minSupport: 1).mine(TransactionSet([[String]]())).count == 0)
        #expect(FPGrowth(minSupport: 1).mine(TransactionSet([[String]()])).count == 0)
        let single = FPGrowth(minSupport: 1).mine(TransactionSet([["x", "y", "z"]]))
        #expect(single.count == 7 && single.supports.allSatisfy { $0 == 1 })
        // A duplicate inside one transaction counts once.
        #expect(
            labelled(FPGrowth(minSupport: 1).mine(TransactionSet([["a", "a", "b"], ["a"]]))) == [
                "a": 2, "b": 1, "ab": 1,
            ])
        #expect(FPGrowth(minSupport: 3).mine(TransactionSet([["a"], ["a"]])).count == 0)
    }

    /// Every subset of the item universe counted by a direct scan: the second implementation.
    static func bruteForce(_ transactions: [[Int]], universe: Int, minSupport: Int, maxSize: Int) -> [String: Int] {
        var result: [String: Int] = [:]
        let sets = transactions.map(Set.init)
        for mask in 1..<(1 << universe) {
            let members = (0..<universe).filter { mask & (1 << $0) != 0 }
            guard members.count <= maxSize else { continue }
            let support = sets.filter { set in members.allSatisfy(set.contains) }.count
            if support >= minSupport { result[members.map(String.init).sorted().joined(separator: ",")] = support }
        }
        return result
    }

    @Test func randomSetsAgreeWithBruteForce() {
        for seed in UInt64(1)...60 {
            var rng = SplitMix64(seed: seed)
            let universe = Int.random(in: 3...9, using: &rng)
            let transactions = (0..<Int.random(in: 1...40, using: &rng)).map { _ in
                (0..<Int.random(in: 0...universe, using: &rng)).map { _ in Int.random(in: 0..<universe, using: &rng) }
            }
            let minSupport = Int.random(in: 1...4, using: &rng)
            let maxSize = Int.random(in: 1...universe, using: &rng)
            let set = TransactionSet(transactions)
            let mined = FPGrowth(minSupport: minSupport, maxSize: maxSize).mine(set)
            let found = Dictionary(
                uniqueKeysWithValues: mined.labelled().map {
                    ($0.items.sorted().joined(separator: ","), $0.support)
                })
            let expected = Self.bruteForce(transactions, universe: universe, minSupport: minSupport, maxSize: maxSize)
            #expect(found == expected, "seed \(seed)")
            #expect(
                mined.count
                    <= Int(ExplosionEstimate(set, minSupport: minSupport, maxSize: maxSize).upperBound.rounded(.up)),
                "the guard's bound is an upper bound, seed \(seed)")
            // Closed and maximal by their definitions, checked over the brute-force result.
            let closed = Set(
                expected.keys.filter { key in
                    let items = Set(key.split(separator: ","))
                    return !expected.contains { other, support in
                        let o = Set(other.split(separator: ","))
                        return o.count == items.count + 1 && o.isSuperset(of: items) && support == expected[key]
                    }
                })
            let maximal = Set(
                expected.keys.filter { key in
                    let items = Set(key.split(separator: ","))
                    return !expected.keys.contains { other in
                        let o = Set(other.split(separator: ","))
                        return o.count == items.count + 1 && o.isSuperset(of: items)
                    }
                })
            #expect(
                Set(mined.filtered(.closed).labelled().map { $0.items.sorted().joined(separator: ",") }) == closed,
                "seed \(seed)")
            #expect(
                Set(mined.filtered(.maximal).labelled().map { $0.items.sorted().joined(separator: ",") }) == maximal,
                "seed \(seed)")
        }
    }

    /// n = 5; supp(A) = supp(B) = 4/5, supp(AB) = 3/5. A → B: confidence 3/4, lift 0.75/0.8,
    /// leverage 0.6 − 0.8·0.8 = −0.04, conviction (1 − 0.8)/(1 − 0.75) = 0.8.
    @Test func ruleMeasuresByHand() throws {
        let set = TransactionSet([["A", "B"], ["A", "B"], ["A", "C"], ["B", "C"], ["A", "B", "C"]])
        let itemsets = FPGrowth(minSupport: 1).mine(set)
        let rules = AssociationRules.rules(from: itemsets, minSupport: 3, minConfidence: 0.5, support: .bodyAndHead)
        let a = Int32(set.labels.firstIndex(of: "A")!), b = Int32(set.labels.firstIndex(of: "B")!)
        let rule = try #require(rules.first { $0.body == [a] && $0.head == b })
        #expect(abs(rule.confidence - 0.75) < 1e-12)
        #expect(abs(rule.lift - 0.9375) < 1e-12)
        #expect(abs(rule.leverage - -0.04) < 1e-12)
        #expect(abs(rule.conviction - 0.8) < 1e-12)
        #expect(rule.supportCount == 3 && rule.bodyCount == 4)
        // body ∪ head ≥ 3: only A → B and B → A. Body ≥ 3 (pyfim): also A → C (2/4), C → A (2/3),
        // B → C (2/4) and C → B (2/3); AB → C fails on confidence (1/3), AC → B on body support (2).
        #expect(rules.count == 2)
        #expect(AssociationRules.rules(from: itemsets, minSupport: 3, minConfidence: 0.5, support: .body).count == 6)
    }

    @Test func explosionIsRefusedBeforeMining() throws {
        let wide = (0..<40).map { "item\($0)" }
        let set = TransactionSet([wide, wide])
        var options = PatternOptions()
        options.minSupport = 0.5
        options.minSize = 1
        options.maxSize = .max
        #expect(throws: PatternExplosion.self) {
            try CategoryPatterns.mine(set, displayNames: set.labels, options: options)
        }
        let estimate = ExplosionEstimate(set, minSupport: 1, countPairs: true)
        #expect(estimate.frequentItems == 40)
        #expect(estimate.frequentPairs == 780)  // C(40, 2)
        #expect(estimate.upperBound == 2 * (pow(2, 40) - 1))
    }

    @Test func transactionFileParsing() throws {
        let folder = FixtureFolder()
        let file = folder.write("t.txt", "1 2 3\n\n7 7 2\n40000000 2")
        let set = try TransactionFile.load(path: file)
        #expect(set.count == 4)
        #expect(set.transaction(1).isEmpty)
        #expect(set.transaction(2).map { set.labels[Int($0)] } == ["7", "2"])
        #expect(set.transaction(3).map { set.labels[Int($0)] } == ["40000000", "2"])
        let bad = folder.write("bad.txt", "1 2\n3 x\n")
        #expect(throws: DataError(file: bad, line: 2, "expected integer item ids separated by spaces")) {
            try TransactionFile.load(path: bad)
        }
    }

    @Test func relativeSupportRoundsLikeTheReferenceMiners() {
        var set = TransactionSet()
        set = TransactionSet(Array(repeating: ["a"], count: 50_000))
        #expect(set.absoluteSupport(0.001) == 50)
        #expect(set.absoluteSupport(0.0002) == 10)
        #expect(TransactionSet(Array(repeating: ["a"], count: 949)).absoluteSupport(0.001) == 1)
    }

    @Test func patternsAreVerbalisedInADeterministicOrder() throws {
        let set = TransactionSet([
            ["Camera", "Memory Card"], ["Camera", "Memory Card"], ["Camera", "Tripod"],
            ["Tripod", "Camera"], ["Lens", "Camera", "Memory Card"],
        ])
        var options = PatternOptions()
        options.minSupport = 0.4
        options.minConfidence = 0.6
        let report = try CategoryPatterns.mine(set, displayNames: set.labels, options: options)
        let (patterns, rules) = PatternText.lines(report, patternLimit: 10, ruleLimit: 10)
        // {Camera, Memory Card} in 3 of 5, {Camera, Tripod} in 2 of 5.
        #expect(
            patterns == ["Camera + Memory Card (support 60%, 3 bundles)", "Camera + Tripod (support 40%, 2 bundles)"])
        // Memory Card → Camera 3/3, Tripod → Camera 2/2 (ties broken by support), Camera → Memory Card 3/5.
        #expect(
            rules == [
                "Memory Card → Camera (support 60%, confidence 100%, lift 1.0)",
                "Tripod → Camera (support 40%, confidence 100%, lift 1.0)",
                "Camera → Memory Card (support 60%, confidence 60%, lift 1.0)",
            ])
    }
}
