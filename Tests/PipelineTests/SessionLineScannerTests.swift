import Foundation
import Testing
@testable import Pipeline

/// The fast session-line scanner against JSONDecoder, the second implementation: wherever the
/// scanner reads a line, JSONDecoder reads the same value; on the real data it reads every line.
struct SessionLineScannerTests {
    static func decoded(_ line: String) -> SessionJSONLines.Line? {
        try? JSONDecoder().decode(SessionJSONLines.Line.self, from: Data(line.utf8))
    }

    static func scanned(_ line: String) -> SessionJSONLines.Line? { SessionLineScanner.line(Substring(line).utf8) }

    @Test(.enabled(if: SharedData.isAvailable, SharedData.skipReason))
    func readsEveryRealLineAsJSONDecoderDoes() throws {
        var lines = try DataSource.load(path: SharedData.bundleRec).flatMap { dataset in
            try SessionJSONLines.encode(dataset).split(separator: "\n").map(String.init)
        }
        lines += try TextFile.read(SharedData.repositoryRoot.path + "/sessions/demo.jsonl").split(separator: "\n")
            .map(String.init)
        var fast = 0
        for line in lines {
            let expected = try #require(Self.decoded(line))
            if let scanned = Self.scanned(line) {
                fast += 1
                #expect(scanned == expected, "\(line.prefix(80))")
            }
        }
        #expect(lines.count > 3_000 && fast == lines.count, "\(fast) of \(lines.count) read fast")
    }

    @Test(arguments: [
        #"{"domain":"d","id":"1","items":[],"bundles":[]}"#,
        #" { "id" : "1" , "domain":"d", "items" : [ {"id":"A","title":null,"categories":null} ], "bundles":[] } "#,
        #"{"domain":"d","id":"é\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t","user":null,"timestamp":-12,"split":"test","items":[{"id":"A","categories":[["x","y"],[]]}],"bundles":[{"id":null,"items":["A"],"intent":"i"}]}"#,
    ])
    func wellFormedLinesReadLikeJSONDecoder(line: String) throws {
        let expected = try #require(Self.decoded(line))
        #expect(Self.scanned(line) == expected)
    }

    /// Lines the scanner must leave to JSONDecoder (which refuses or decides them itself).
    @Test(arguments: [
        #"{"domain":"d","id":"1","items":[],"bundles":[],"extra":1}"#,  // unknown key
        #"{"domain":"d","domain":"e","id":"1","items":[],"bundles":[]}"#,  // repeated key
        #"{"domain":"d","id":"1","timestamp":1.5,"items":[],"bundles":[]}"#,
        #"{"domain":"d","id":"1","timestamp":012,"items":[],"bundles":[]}"#,
        #"{"domain":"d","id":"1","split":"later","items":[],"bundles":[]}"#,
        #"{"domain":"d","id":null,"items":[],"bundles":[]}"#,
        #"{"domain":"d","id":"1","items":[{"id":1}],"bundles":[]}"#,
        #"{"domain":"d","id":"\u+123","items":[],"bundles":[]}"#,
        #"{"domain":"d","id":"1","items":[],"bundles":[]} x"#,
        #"{"domain":"d","id":"1","items":[],"bundles":[],}"#,
    ])
    func unusualLinesAreLeftToJSONDecoder(line: String) {
        #expect(Self.scanned(line) == nil)
    }

    /// The memchr splitter against splitting the byte array (a second implementation), empty lines,
    /// a final newline, CRLF (one Character, two bytes) and multi-byte characters included.
    @Test(arguments: ["", "\n", "a", "a\n", "a\nb", "\n\na\n\n", "é€😀\nx\r\ny", "{\"a\":1}\n{\"b\":2}\n"])
    func linesSplitLikeTheByteArray(text: String) {
        let expected = Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        let split = SessionJSONLines.lines(text).map { String(Substring($0)) }
        #expect(split == expected)
    }

    @Test func fuzzedLinesNeverDisagree() {
        let seed =
            #"{"domain":"food","id":"f1","split":"train","timestamp":1404864000,"items":[{"id":"A","title":"T\"ea\u00e9","#
            + #""categories":[["Food","Tea"]]},{"id":"B","title":null}],"bundles":[{"items":["A","B"],"intent":"Tea time"}]}"#
        var scanned = 0
        var disagreements: [String] = []
        _ = FuzzTests.fuzz(
            seed, seed: 11,
            { text in
                guard let fast = Self.scanned(text) else { return }
                scanned += 1
                if fast != Self.decoded(text), disagreements.count < 3 { disagreements.append(text) }
            }, located: { _ in true })
        #expect(scanned >= 50 && disagreements.isEmpty, "\(scanned) scanned; \(disagreements)")
    }
}
