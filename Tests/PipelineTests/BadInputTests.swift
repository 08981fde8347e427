import Foundation
import Testing
@testable import Pipeline

/// Hand-made fixtures for every kind of bad input: each must end in one DataError that names
/// the file, the line and the field.
struct BadInputTests {
    /// A minimal valid BundleRec domain; tests overwrite one file to break it.
    static func validDomain() -> FixtureFolder {
        let folder = FixtureFolder()
        folder.write("session_item.csv", "session ID,item ID\n0,10\n0,11\n0,12\n1,13\n1,10\n")
        folder.write("session_bundle.csv", "session ID,bundle ID\n0,0\n")
        folder.write("bundle_item.csv", "bundle ID,item ID\n0,10\n0,11\n")
        folder.write("bundle_intent.csv", "bundle ID,intent\n0,\"Tea, and biscuits\"\n")
        folder.write("item_titles.csv", "item ID,titles\n10,\"Green Tea &amp; Mint, 20 bags\"\n11,\"Shortbread\nTin\"\n")
        folder.write("item_categories.csv", "item ID,categories\n10,\"[[Grocery,Tea]]\"\n11,\"[[Grocery,Cookies]]\"\n")
        return folder
    }

    func loadError(_ folder: FixtureFolder) -> DataError? {
        do {
            _ = try BundleRecLoader.load(folder: folder.path)
            return nil
        } catch {
            return error as? DataError
        }
    }

    @Test func theValidFixtureLoads() throws {
        let folder = Self.validDomain()
        let dataset = try BundleRecLoader.load(folder: folder.path)
        #expect(dataset.sessions.map(\.itemIDs) == [["10", "11", "12"], ["13", "10"]])
        #expect(dataset.sessions[0].bundles.first?.intent == "Tea, and biscuits")
        #expect(dataset.item("10").title == "Green Tea & Mint, 20 bags")
        #expect(dataset.item("11").title == "Shortbread\nTin")
        #expect(dataset.item("12").displayTitle == "(untitled item 12)")
    }

    @Test func missingFileIsNamed() {
        let folder = Self.validDomain()
        try? FileManager.default.removeItem(atPath: folder.path + "/bundle_intent.csv")
        let error = loadError(folder)
        #expect(error?.file == folder.path + "/bundle_intent.csv")
        #expect(error?.message.hasPrefix("file not found") == true)
    }

    @Test func rowWithTooManyFieldsNamesItsLine() {
        let folder = Self.validDomain()
        folder.write("bundle_item.csv", "bundle ID,item ID\n0,10\n0,11,12\n")
        let error = loadError(folder)
        #expect(error?.line == 3)
        #expect(error?.description == folder.path + "/bundle_item.csv:3: has 3 fields, expected 2 (bundle ID,item ID)")
    }

    @Test func lineNumbersCountEmbeddedNewlines() {
        let folder = Self.validDomain()
        // Record 2 spans lines 3-4, so the broken record starts on line 5.
        folder.write("item_titles.csv", "item ID,titles\n10,Tea\n11,\"Short\nbread\"\nx12,Oops\n")
        let error = loadError(folder)
        #expect(error?.line == 5)
        #expect(error?.field == "item ID")
        #expect(error?.message == "'x12' is not a non-negative integer")
    }

    @Test func unterminatedQuoteNamesTheLineItOpens() {
        let folder = Self.validDomain()
        folder.write("bundle_intent.csv", "bundle ID,intent\n0,\"Tea time\n1,Other\n")
        let error = loadError(folder)
        #expect(error?.line == 2)
        #expect(error?.message == "unterminated quoted field")
    }

    @Test func invalidUTF8NamesItsLine() {
        let folder = Self.validDomain()
        folder.writeBytes("item_titles.csv", Array("item ID,titles\n10,Tea\n11,Caf".utf8) + [0xE9, 0x0A])
        let error = loadError(folder)
        #expect(error?.file == folder.path + "/item_titles.csv")
        #expect(error?.line == 3)
        #expect(error?.message == "invalid UTF-8")
    }

    @Test func emptyDatasetIsRefused() throws {
        let folder = Self.validDomain()
        folder.write("session_item.csv", "session ID,item ID\n")
        #expect(loadError(folder)?.message == "no sessions: the file has a header and no rows")
        folder.write("session_item.csv", "")
        #expect(loadError(folder)?.message == "empty file, expected a header row")
        // Sessions but no bundles: loading works, preprocessing refuses.
        let noBundles = Self.validDomain()
        noBundles.write("session_bundle.csv", "session ID,bundle ID\n")
        let dataset = try BundleRecLoader.load(folder: noBundles.path)
        #expect(throws: DataError.self) { try Preprocessing.prepare(dataset) }
    }

    @Test func bundleItemOutsideItsSessionIsRefused() {
        let folder = Self.validDomain()
        folder.write("bundle_item.csv", "bundle ID,item ID\n0,10\n0,13\n")
        let error = loadError(folder)
        #expect(error?.line == 3)
        #expect(error?.message == "bundle 0 holds item 13, which is not in session 0")
    }

    @Test func malformedCategoryListNamesLineAndField() {
        let folder = Self.validDomain()
        folder.write("item_categories.csv", "item ID,categories\n10,\"[[Grocery,Tea]]\"\n11,Grocery > Cookies\n")
        let error = loadError(folder)
        #expect(error?.line == 3)
        #expect(error?.field == "categories")
    }

    @Test func jsonLinesErrorsNameLineAndField() {
        let folder = FixtureFolder()
        let good = #"{"domain":"food","id":"f1","items":[{"id":"A"},{"id":"B"}],"bundles":[{"items":["A","B"],"intent":"x"}]}"#
        let file = folder.write("bad.jsonl", good + "\n" + #"{"domain":"food","id":"f2","items":[{"id":"A"}],"bundles":[{"items":["A","Z"],"intent":"y"}]}"# + "\n")
        #expect(throws: DataError(file: file, line: 2, field: "bundles.0.items", "item Z is not one of the session's items")) {
            try SessionJSONLines.load(path: file)
        }
        let broken = folder.write("broken.jsonl", good + "\n\n" + #"{"domain":"food","id":"f3","items":[{"id":1}],"bundles":[]}"# + "\n")
        #expect(throws: DataError(file: broken, line: 3, field: "items.0.id", "expected String")) {
            try SessionJSONLines.load(path: broken)
        }
        let empty = folder.write("empty.jsonl", "\n")
        #expect(throws: DataError(file: empty, "empty dataset: no session lines")) { try SessionJSONLines.load(path: empty) }
    }

    @Test func unknownPathIsNamed() {
        #expect(throws: DataError(file: "/no/such/place", "no such file or folder")) {
            try DataSource.load(path: "/no/such/place")
        }
    }
}
