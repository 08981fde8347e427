import CSV
import Foundation
import Testing
@testable import Pipeline

/// The project's byte-level CSV reader against yaslab/CSV.swift, a second implementation: the
/// same records, field for field, on every real BundleRec and DICL file and on fuzzed text.
struct CSVAgreementTests {
    /// CSV.swift's records of `text` (nil when it refuses the text).
    static func reference(_ text: String) -> [[String]]? {
        guard let reader = try? CSVReader(string: text, hasHeaderRow: false) else { return nil }
        var records: [[String]] = []
        while let fields = reader.next() { records.append(fields) }
        return reader.error == nil ? records : nil
    }

    static func ours(_ text: String) -> [[String]] { CSVTable.records(text).map(\.fields) }

    @Test(.enabled(if: SharedData.isAvailable, SharedData.skipReason))
    func realFilesReadTheSame() throws {
        var files = 0, records = 0
        for folder in ["electronic", "clothing", "food"].map({ SharedData.bundleRec + "/" + $0 }) + [SharedData.dicl] {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            for name in names where name.hasSuffix(".csv") {
                let text = try TextFile.read(folder + "/" + name)
                let expected = try #require(Self.reference(text), "CSV.swift refused \(name)")
                let found = Self.ours(text)
                #expect(found == expected, "\(folder)/\(name): \(found.count) records vs \(expected.count)")
                files += 1
                records += found.count
            }
        }
        #expect(files >= 25 && records > 100_000, "\(files) files, \(records) records")
    }

    @Test func recordLinesCountNewlinesInsideQuotes() {
        let text = "a,b\n1,\"two\nlines\"\n\n3,\"say \"\"hi\"\"\"\r\n4,\n"
        #expect(CSVTable.records(text).map(\.line) == [1, 2, 4, 5, 6])
        #expect(Self.ours(text) == [["a", "b"], ["1", "two\nlines"], [""], ["3", "say \"hi\""], ["4", ""]])
    }

    /// Well-formed mutants (those the quote check lets through) read the same on both sides.
    @Test func fuzzedTextReadsTheSame() {
        let seed =
            "bundle ID,intent\n0,\"Tea, and biscuits\"\n1,\"multi\nline\"\n2,plain\n3,\"say \"\"hi\"\"\"\n\n4,\r\n"
        var compared = 0
        var disagreements: [String] = []
        _ = FuzzTests.fuzz(
            seed, seed: 7,
            { text in
                guard CSVTable.unterminatedQuoteLine(text) == nil, let expected = Self.reference(text) else { return }
                compared += 1
                if Self.ours(text) != expected, disagreements.count < 3 { disagreements.append(text.debugDescription) }
            }, located: { _ in true })
        #expect(compared >= 300 && disagreements.isEmpty, "\(compared) compared; \(disagreements)")
    }
}
