import Foundation
import Testing
@testable import Pipeline

struct PreprocessingTests {
    func bundle(_ id: String, _ items: [String]) -> GroundTruthBundle {
        GroundTruthBundle(id: id, itemIDs: items, intent: id)
    }

    /// By hand: B duplicates A (first copy kept); C ⊃ A and C ⊃ E (dropped); D, E are kept;
    /// F overlaps D partly (kept: partial overlaps stay).
    @Test func deduplicationDropsDuplicatesAndStrictSupersets() {
        let bundles = [
            bundle("A", ["1", "2"]), bundle("B", ["2", "1"]), bundle("C", ["1", "2", "3"]),
            bundle("D", ["3", "4"]), bundle("E", ["2", "3"]), bundle("F", ["4", "5"]),
        ]
        #expect(Preprocessing.deduplicate(bundles).map(\.id) == ["A", "D", "E", "F"])
    }

    @Test func deduplicationOfNothingIsNothing() {
        #expect(Preprocessing.deduplicate([]).isEmpty)
        #expect(Preprocessing.deduplicate([bundle("A", ["1", "2"])]).map(\.id) == ["A"])
    }

    @Test func seededSplitIsStableAndProportional() {
        let ids = (1...100).map { "s\($0)" }
        let split = SeededSplit.assign(ids, seed: 42)
        #expect(SplitRole.allCases.map { role in split.values.filter { $0 == role }.count } == [70, 10, 20])
        #expect(SeededSplit.assign(ids.reversed(), seed: 42) == split)  // input order does not matter
    }

    /// SplitMix64 reference values for seed 0 (Vigna's splitmix64.c): the first two outputs.
    @Test func splitMixMatchesTheReferenceGenerator() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test(arguments: [
        ("Lenovo IdeaPad S510p (Black) 15.6-Inch", "Lenovo IdeaPad S510p 15.6-Inch"),
        ("VideoSecu 24&quot; Long Arm &amp; Mount", "VideoSecu 24 Long Arm Mount"),
        ("Case , Black. Slim", "Case, Black.Slim"),
        ("Cable | 2 pack", "Cable "),
        ("Kit (a (b) c) end", "Kit (a c) end"),
    ])
    func diclTitleCleaning(raw: String, cleaned: String) {
        #expect(TitleCleaning.diclClean(raw) == cleaned)
    }

    @Test func promptTitlesDecodeRemainingEntitiesAndTrim() {
        #expect(TitleCleaning.promptTitle("Nikon&reg; Lens (Renewed) ") == "Nikon® Lens")
    }

    @Test(arguments: [
        ("&quot;24&quot; &amp; more&reg;", "\"24\" & more®"),
        ("caf&eacute; &#233; &#xE9;", "café é é"),
        ("AT&T &unknown; & plain", "AT&T &unknown; & plain"),
    ])
    func htmlEntities(escaped: String, decoded: String) {
        #expect(HTMLEntities.decode(escaped) == decoded)
    }

    @Test func categoryPathsKeepCommasInsideNames() throws {
        #expect(
            try CategoryPaths.parse("[[Clothing, Shoes & Jewelry,Women,Clothing]]")
                == [["Clothing, Shoes & Jewelry", "Women", "Clothing"]])
        #expect(
            try CategoryPaths.parse("[[Grocery,Coffee, Tea & Cocoa],[Sale]]")
                == [["Grocery", "Coffee, Tea & Cocoa"], ["Sale"]])
        #expect(try CategoryPaths.parse("[[]]") == [])
        #expect(throws: CategoryPaths.ParseError.notBracketed) { try CategoryPaths.parse("Grocery") }
    }

    @Test func leafCategoryIsTheLongestPathsLeaf() {
        let item = Item(id: "1", title: nil, categoryPaths: [["A", "B"], ["A", "C", "D"], ["E", "F", "G"]])
        #expect(item.leafCategory == "D")
        #expect(item.displayTitle == "(untitled D)")
    }
}

struct JSONLinesTests {
    @Test func roundTripKeepsEverything() throws {
        let items = [
            "A": Item(id: "A", title: "Tea 抹茶", categoryPaths: [["Food", "Tea"]]),
            "B": Item(id: "B", title: nil, categoryPaths: []),
        ]
        let session = Session(
            id: "s1", itemIDs: ["B", "A"], user: "u1", timestamp: Date(timeIntervalSince1970: 1_400_000_000),
            bundles: [GroundTruthBundle(id: "s1-1", itemIDs: ["A", "B"], intent: " tea\ntime ")])
        let dataset = Dataset(
            domain: "food", sessions: [session], items: items, split: ["s1": .test], splitSource: .file)
        let folder = FixtureFolder()
        let file = folder.write("one.jsonl", try SessionJSONLines.encode(dataset))
        let loaded = try #require(try SessionJSONLines.load(path: file).first)
        #expect(loaded.sessions == [session])
        #expect(loaded.items == items)
        #expect(loaded.split == ["s1": .test])
        #expect(loaded.splitSource == .file)
    }

    @Test func theDemoDatasetIsShapedLikeTheRealData() throws {
        let demo = try DataSource.load(path: SharedData.repositoryRoot.appendingPathComponent("sessions").path)
        #expect(demo.map(\.domain) == ["electronic", "clothing", "food"])
        let sessions = demo.flatMap(\.sessions)
        #expect((60...120).contains(sessions.count))
        #expect(sessions.allSatisfy { (2...10).contains($0.itemIDs.count) })
        let slots = sessions.reduce(0) { $0 + $1.itemIDs.count }
        let inBundles = sessions.reduce(0) { $0 + Set($1.bundles.flatMap(\.itemIDs)).count }
        #expect((0.6...0.85).contains(Double(inBundles) / Double(slots)))
        #expect(sessions.contains { $0.bundles.isEmpty })
        let overlapping = sessions.filter { session in
            session.bundles.indices.contains { i in
                session.bundles.indices.contains { j in
                    i < j && !session.bundles[i].itemSet.isDisjoint(with: session.bundles[j].itemSet)
                }
            }
        }
        #expect(!overlapping.isEmpty)
        #expect(demo.contains { $0.items.values.contains(where: \.isUntitled) })
    }
}
