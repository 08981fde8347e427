import Foundation
import Testing
@testable import Pipeline

/// Mining on the real data and on the published benchmark set (docs/anchors.md §B.3).
@Suite(.enabled(if: SharedData.isAvailable, SharedData.skipReason))
struct RealMiningTests {
    /// Every category pattern's support is re-counted here by a direct scan of the training
    /// bundles, mapped to leaf categories by this test.
    @Test func electronicCategoryPatternsAreVerifiedByAScan() throws {
        let raw = try BundleRecLoader.load(folder: SharedData.bundleRec + "/electronic")
        let dataset = try Preprocessing.prepare(raw)
        let report = try CategoryPatterns.mine(dataset, options: PatternOptions())
        #expect(report.itemsets.count > 100)
        let bundles: [Set<String>] = dataset.sessions(in: .train).flatMap { session in
            session.bundles.map { Set($0.itemIDs.compactMap { dataset.item($0).leafCategory }) }
        }
        #expect(report.transactions.count == bundles.count)
        for k in 0..<report.itemsets.count {
            let categories = Set(report.itemsets.itemset(k).map { report.displayNames[Int($0)] })
            #expect((2...5).contains(categories.count))
            let scanned = bundles.filter { categories.isSubset(of: $0) }.count
            #expect(Int(report.itemsets.supports[k]) == scanned, "\(categories)")
        }
        let (patterns, rules) = PatternText.lines(report, patternLimit: 5, ruleLimit: 5)
        #expect(patterns.count == 5 && rules.count == 5)
    }

    /// anchors.md §B.1 and §B.3: 4,829 itemsets (1:1,764 2:2,410 3:566 4:80 5:9) at 0.1%;
    /// 2,026 rules at 50% confidence with pyfim's body support, 1,412 with body ∪ head.
    @Test func publishedBenchmarkFigures() throws {
        let folder = FixtureFolder()
        let path = folder.path + "/T50k.txt"
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generator.arguments = ["python3", SharedData.root + "/../bench/mining/gen_transactions.py", path]
        generator.standardError = FileHandle.nullDevice
        try generator.run()
        generator.waitUntilExit()
        let set = try TransactionFile.load(path: path)
        #expect(set.count == 50_000)
        let minSupport = set.absoluteSupport(0.001)
        let itemsets = FPGrowth(minSupport: minSupport).mine(set)
        #expect(itemsets.countsBySize() == [1: 1764, 2: 2410, 3: 566, 4: 80, 5: 9])
        #expect(
            AssociationRules.rules(from: itemsets, minSupport: minSupport, minConfidence: 0.5, support: .bodyAndHead)
                .count == 1412)
        let lower = FPGrowth(minSupport: 25).mine(set)  // supp(body) · confidence = 50 · 0.5
        #expect(
            AssociationRules.rules(from: lower, minSupport: minSupport, minConfidence: 0.5, support: .body).count
                == 2026)
    }
}
