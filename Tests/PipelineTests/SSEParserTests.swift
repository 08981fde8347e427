import Testing
@testable import Pipeline

struct SSEParserTests {
    let stream = Array(
        ("data: {\"a\":\"世界\"}\r\n\r\n: ping\n\nevent: note\ndata: line one\ndata: line two\n\n"
            + "retry: 10\nnonsense line\ndata:no-space\n\ndata: [DONE]\n\n").utf8)
    let expected = [
        SSEParser.Event(event: nil, data: "{\"a\":\"世界\"}", id: nil),
        SSEParser.Event(event: "note", data: "line one\nline two", id: nil),
        SSEParser.Event(event: nil, data: "no-space", id: nil),
        SSEParser.Event(event: nil, data: "[DONE]", id: nil),
    ]

    @Test func wholeStream() {
        var parser = SSEParser()
        #expect(parser.feed(stream) + parser.finish() == expected)
    }

    /// Every split point, including inside "世" (3 bytes) and inside "data:".
    @Test func everyChunkBoundary() {
        for cut in 1..<stream.count {
            var parser = SSEParser()
            let events = parser.feed(stream[..<cut]) + parser.feed(stream[cut...]) + parser.finish()
            #expect(events == expected, "cut at \(cut)")
        }
    }

    @Test func oneByteAtATimeWithCROnlyLineEnds() {
        var parser = SSEParser()
        var events: [SSEParser.Event] = []
        for byte in Array("data: a\rdata: b\r\rdata: c\r\r".utf8) { events += parser.feed([byte]) }
        #expect(events.map(\.data) == ["a\nb", "c"])
    }

    @Test func unterminatedLastEventIsDeliveredAtTheEnd() {
        var parser = SSEParser()
        #expect(parser.feed(Array("data: tail".utf8)).isEmpty)
        #expect(parser.finish().map(\.data) == ["tail"])
    }

    /// FIPS 180-4 test vectors.
    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}

import Foundation
