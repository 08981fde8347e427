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
        // The same lines as one file: decoded in chunks whose lines share category lists.
        var decoded = 0
        try SessionJSONLines.forEachDecodedLine(lines.joined(separator: "\n"), file: "real.jsonl") { number, result in
            let read = try #require(try result.get())
            #expect(read.line == Self.decoded(lines[number - 1]), "line \(number)")
            decoded += 1
        }
        #expect(decoded == lines.count)
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
        let split = Array(text.utf8).withUnsafeBufferPointer { bytes in
            SessionJSONLines.lines(bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
        }
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

/// The file reader's own UTF-8 check against the standard library's (a second implementation),
/// on valid text of every sequence length and on the same text with bytes changed at random.
struct UTF8CheckTests {
    @Test func agreesWithTheStandardLibraryOnValidAndBrokenText() {
        let text = Array(
            "plain ascii, café, 抹茶, 😀, \u{10FFFF}, \u{FFFD}, \u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}".utf8)
        var generator = SplitMix64(seed: 7)
        var disagreements: [[UInt8]] = []
        var invalid = 0
        for round in 0..<20_000 {
            var bytes = text
            for _ in 0..<(round == 0 ? 0 : 1 + Int(generator.next() % 3)) {
                bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            if round % 7 == 0 { bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count)))) }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            if !expected { invalid += 1 }
            let offset = bytes.withUnsafeBufferPointer(TextFile.firstInvalidUTF8Offset)
            // Valid alike, and what comes before the first invalid byte is valid to the standard library too.
            let agrees =
                (offset == nil) == expected
                && offset.map { String(validating: bytes[..<$0], as: UTF8.self) != nil } != false
            if !agrees, disagreements.count < 3 { disagreements.append(bytes) }
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
        #expect(invalid > 5_000 && invalid < 19_000, "both kinds were tried: \(invalid) invalid")
        // Surrogates, overlongs and code points past U+10FFFF are refused, as the standard says.
        for broken: [UInt8] in [
            [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xFF],
        ] {
            #expect(broken.withUnsafeBufferPointer(TextFile.firstInvalidUTF8Offset) == 0, "\(broken)")
        }
    }
}
