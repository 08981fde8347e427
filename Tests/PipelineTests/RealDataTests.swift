import Foundation
import Testing
@testable import Pipeline

/// The loaders against the real BundleRec and DICL data. Expected figures are the published
/// ones (BundleRec README, docs/datasets.md §4, the DICL release), not this code's output.
@Suite(.enabled(if: SharedData.isAvailable, SharedData.skipReason), .serialized)
struct RealDataTests {
    static let domains = (try? DataSource.load(path: SharedData.bundleRec)) ?? []

    @Test func bundleRecFiguresMatchThePublishedTables() throws {
        let stats = Self.domains.map(DatasetStatistics.init)
        #expect(stats.map(\.domain) == ["electronic", "clothing", "food"])
        #expect(stats.map(\.sessions) == [1145, 1181, 1161])
        #expect(stats.map(\.sessionsWithBundles) == [893, 968, 914])
        #expect(stats.map(\.bundles) == [1750, 1910, 1784])
        #expect(stats.map(\.bundlesAfterDeduplication) == [1346, 1488, 1352])
        #expect(stats.map(\.untitledItems) == [1444, 1952, 1305])
        #expect(stats.map(\.items) == [4943, 6439, 5072])
        // Published averages, to three decimals.
        #expect(stats.map { ($0.averageBundleSize * 1000).rounded() } == [3523, 3312, 3585])
        #expect(stats.map { ($0.averageSessionLength * 1000).rounded() } == [5711, 5752, 5639])
    }

    @Test func electronicSessionZeroKeepsItsItemOrderAndBundles() throws {
        let electronic = try #require(Self.domains.first { $0.domain == "electronic" })
        let session = try #require(electronic.session(id: "0"))
        // docs/datasets.md §5.1 worked example.
        #expect(
            session.itemIDs == ["168341", "167070", "53071", "133970", "41876", "125741", "53005", "27242", "111245"])
        #expect(session.user == "730")
        #expect(session.bundles.map(\.intent) == ["Storage Devices", "Batteries"])
        #expect(session.bundles[0].itemSet == ["111245", "133970", "53071"])
        #expect(session.bundles[1].itemSet == ["53005", "125741", "41876", "167070"])
        // Item 27242 has no title in BundleRec: kept, shown honestly.
        #expect(electronic.item("27242").isUntitled)
        #expect(electronic.item("27242").displayTitle == "(untitled item 27242)")
    }

    @Test func quotedFieldsEntitiesAndEmptyCategoriesSurvive() throws {
        let clothing = try #require(Self.domains.first { $0.domain == "clothing" })
        #expect(clothing.item("232880").title?.contains("\n") == true)  // the one title with a newline
        let food = try #require(Self.domains.first { $0.domain == "food" })
        #expect(
            food.item("9").title == "Stash Tea Fusion Red, White & Blueberry Tea, 18 Count Tea Bags in Foil (Pack of 6)"
        )
        // 207 food items have "[[]]" categories: present, with no leaf.
        let uncategorised = food.items.values.filter { $0.categoryPaths.isEmpty }
        #expect(uncategorised.count == 207)
        #expect(food.items.count == 3767)
        let electronic = try #require(Self.domains.first { $0.domain == "electronic" })
        #expect(electronic.item("57600").leafCategory == "Internal Hard Drives")
        let lingerie = try #require(clothing.items["156291"])
        #expect(lingerie.categoryPaths.first?.first == "Clothing, Shoes & Jewelry")
        #expect(lingerie.leafCategory == "Bustiers & Corsets")
    }

    @Test func preprocessingKeepsSessionsWithBundlesAndSplits70_10_20() throws {
        let prepared = try Self.domains.map { try Preprocessing.prepare($0, seed: 42) }
        #expect(prepared.map(\.sessions.count) == [893, 968, 914])
        #expect(prepared.map { $0.sessions.reduce(0) { $0 + $1.bundles.count } } == [1346, 1488, 1352])
        // 968 sessions: round(677.6) = 678 train, round(96.8) = 97 validation, 193 test.
        let clothing = prepared[1]
        #expect(SplitRole.allCases.map { clothing.sessions(in: $0).count } == [678, 97, 193])
        #expect(clothing.splitSource == .seeded(seed: 42))
        let again = try Preprocessing.prepare(Self.domains[1], seed: 42)
        #expect(again.split == clothing.split)
        let other = try Preprocessing.prepare(Self.domains[1], seed: 7)
        #expect(other.split != clothing.split)
    }

    @Test func diclSplitLoadsWithItsPublishedSizes() throws {
        let dicl = try #require(try DataSource.load(path: SharedData.dicl).first)
        #expect(dicl.sessions.count == 893)
        #expect(dicl.sessions(in: .train).count == 623)
        #expect(dicl.sessions(in: .test).count == 180)
        #expect(dicl.sessions(in: .validation).count == 90)
        #expect(dicl.sessions.reduce(0) { $0 + $1.bundles.count } == 1346)
        #expect(dicl.neighbours.count == 180)
        #expect(dicl.neighbours.values.allSatisfy { $0.count == 10 && $0.allSatisfy { dicl.split[$0] == .train } })
        // Joined through the id map: DICL 1 is BundleRec 0, and categories come from BundleRec.
        #expect(dicl.session(id: "1")?.sourceID == "0")
        #expect(dicl.item("B005J7YA4G").leafCategory == "External Hard Drives")
        #expect(dicl.items.values.filter(\.isUntitled).isEmpty)  // item_titles.json covers all 4239
        #expect(dicl.items.count == 4239)
    }

    /// Our deduplication of BundleRec, mapped to ASINs with a second reader written here,
    /// gives DICL's released ground truth as item sets for every session.
    @Test func deduplicationReproducesDICLGroundTruth() throws {
        let electronic = try #require(Self.domains.first { $0.domain == "electronic" })
        let dicl = try #require(try DataSource.load(path: SharedData.dicl).first)
        let mapping = try String(
            contentsOfFile: SharedData.bundleRec + "/electronic/item_idx_mapping.csv", encoding: .utf8)
        var asin: [String: String] = [:]
        for line in mapping.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: ",")
            asin[String(parts[0])] = String(parts[1])
        }
        var matching = 0
        for session in dicl.sessions {
            let sourceID = try #require(session.sourceID)
            let source = try #require(electronic.session(id: sourceID))
            let ours = Set(Preprocessing.deduplicate(source.bundles).map { Set($0.itemIDs.compactMap { asin[$0] }) })
            if ours == Set(session.bundles.map(\.itemSet)) { matching += 1 }
        }
        #expect(matching == 893)
    }

    /// docs/datasets.md §5.4: the DICL title rule reproduces 4954 of 4980 title slots.
    @Test func titleCleaningReproducesDICLPromptTitles() throws {
        let titles = try JSONFile.decode([String: String].self, from: SharedData.dicl + "/item_titles.json")
        let items = try JSONFile.decode([String: [String]].self, from: SharedData.dicl + "/session_items.json")
        let train = try JSONFile.decode([String: String].self, from: SharedData.dicl + "/training_set.json")
        let test = try JSONFile.decode([String: String].self, from: SharedData.dicl + "/test_set.json")
        var exact = 0, slots = 0
        for (id, joined) in train.merging(test, uniquingKeysWith: { a, _ in a }) {
            let parts = joined.components(separatedBy: "|")
            guard let asins = items[id], asins.count == parts.count else { continue }
            for (part, asin) in zip(parts, asins) {
                slots += 1
                if TitleCleaning.diclClean(titles[asin] ?? "") == part { exact += 1 }
            }
        }
        #expect(slots == 4980)
        #expect(exact == 4954)
    }
}
