import Foundation
import Testing
@testable import Pipeline

/// Seeded mutation fuzzing of the readers that face users' files and servers' bytes: CSV, JSON
/// Lines, TOML and SSE. Every input ends as a value or as a `DataError` / `LLMError` that says
/// where; none crashes. The seed is fixed, so a failure reproduces; each reader gets a time
/// budget as well as a count, so a slow machine shortens the run instead of failing it.
struct FuzzTests {
    /// SplitMix64: small, fast and the same on every platform.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
    }

    /// Bytes that matter to the formats under test, so mutations reach the interesting paths.
    static let alphabet = Array("\",\n\r\\{}[]:=#'. 0123456789abcdeé世\u{0}\t-".utf8)

    static func mutate(_ seed: [UInt8], _ random: inout Random) -> [UInt8] {
        var bytes = seed
        for _ in 0...random.below(6) {
            let at = random.below(bytes.count + 1)
            switch random.below(5) {
            case 0 where !bytes.isEmpty: bytes.remove(at: min(at, bytes.count - 1))
            case 1: bytes.insert(alphabet[random.below(alphabet.count)], at: at)
            case 2 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] = UInt8(truncatingIfNeeded: random.next())
            case 3 where at < bytes.count:  // duplicate a slice: repeated keys, lines, quotes
                let end = min(bytes.count, at + 1 + random.below(24))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            default: if at < bytes.count { bytes.removeSubrange(at..<min(bytes.count, at + random.below(12))) }
            }
        }
        return bytes
    }

    /// Runs `body` on up to `count` mutants of `seed` within `seconds`; returns (inputs, errors).
    /// FUZZ_COUNT=N runs longer (with a budget to match), e.g. before a release.
    static let count = ProcessInfo.processInfo.environment["FUZZ_COUNT"].flatMap(Int.init) ?? 2500

    static func fuzz(
        _ seed: String, seed number: UInt64, count: Int = FuzzTests.count,
        seconds: Double = Double(FuzzTests.count) / 300,
        _ body: (String) throws -> Void, located: (Error) -> Bool
    ) -> (inputs: Int, errors: Int, unlocated: [String]) {
        var random = Random(state: number)
        let deadline = Date().addingTimeInterval(seconds)
        var inputs = 0, errors = 0
        var unlocated: [String] = []
        while inputs < count && Date() < deadline {
            let bytes = mutate(Array(seed.utf8), &random)
            inputs += 1
            if let trace = ProcessInfo.processInfo.environment["FUZZ_TRACE"] {  // the input a crash died on
                FileManager.default.createFile(atPath: trace, contents: Data(bytes))
            }
            do { try body(String(decoding: bytes, as: UTF8.self)) } catch {
                errors += 1
                if !located(error) { unlocated.append("\(error)") }
            }
        }
        return (inputs, errors, unlocated)
    }

    static func hasLine(_ error: Error) -> Bool { (error as? DataError)?.line != nil }

    @Test func csvReader() {
        let seed = "bundle ID,intent\n0,\"Tea, and biscuits\"\n1,\"multi\nline\"\n2,plain\n3,\"say \"\"hi\"\"\"\n"
        let run = Self.fuzz(
            seed, seed: 1, { _ = try CSVTable(text: $0, file: "f.csv", columns: ["bundle ID", "intent"]) },
            located: Self.hasLine)
        print("fuzz csv: \(run.inputs) inputs, \(run.errors) refused")
        #expect(run.inputs >= 500 && run.unlocated.isEmpty, "\(run.unlocated.prefix(3))")
    }

    @Test func jsonLinesReader() {
        let seed =
            #"{"domain":"food","id":"f1","split":"train","items":[{"id":"A","title":"Tea","categories":[["Food","Tea"]]},"#
            + #"{"id":"B","title":null,"categories":[["Food","Cake"]]}],"bundles":[{"items":["A","B"],"intent":"Tea time"}]}"#
            + "\n"
            + #"{"domain":"food","id":"f2","items":[{"id":"A","title":"Tea","categories":[["Food","Tea"]]}],"bundles":[]}"#
            + "\n"
        let run = Self.fuzz(
            seed, seed: 2, { _ = try SessionJSONLines.parse($0, file: "s.jsonl") },
            located: { error in
                // "empty dataset" is about the whole file, so it has no line; everything else has one.
                Self.hasLine(error) || (error as? DataError)?.message == "empty dataset: no session lines"
            })
        print("fuzz jsonl: \(run.inputs) inputs, \(run.errors) refused")
        #expect(run.inputs >= 500 && run.unlocated.isEmpty, "\(run.unlocated.prefix(3))")
    }

    @Test func tomlConfigReader() {
        let seed =
            "database = \"w.sqlite\"\n[local]\nport = 18080\nslots = 4\n[teacher]\nbase_urls = [\"http://a:1/v1\"]\n"
            + "temperature = 0.5\nstructured_output = \"auto\"\n[student]\nmax_tokens = 64\n"
        let run = Self.fuzz(seed, seed: 3, { _ = try WorkspaceConfig.parse($0) }, located: Self.hasLine)
        print("fuzz toml: \(run.inputs) inputs, \(run.errors) refused")
        #expect(run.inputs >= 500 && run.unlocated.isEmpty, "\(run.unlocated.prefix(3))")
    }

    /// A mutated stream is fed in random chunks, as the network would cut it; it ends as an
    /// answer or an `LLMError` naming the URL.
    @Test func sseResponseReader() {
        let seed =
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"Hello, 世界\"}}]}\n\n: ping\n\n"
            + "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n"
        var random = Random(state: 4)
        let run = Self.fuzz(
            seed, seed: 5,
            { text in
                let accumulator = ResponseAccumulator(onDelta: nil)
                var progress = HTTPResult()
                progress.status = 200
                progress.headers = ["content-type": "text/event-stream"]
                var bytes = Array(text.utf8)[...]
                while !bytes.isEmpty {
                    let cut = min(bytes.count, 1 + random.below(40))
                    guard accumulator.receive(progress, Array(bytes.prefix(cut))) else { break }
                    bytes = bytes.dropFirst(cut)
                }
                var request = HTTPRequest(url: "http://127.0.0.1:9/v1/chat/completions")
                request.maxResponseBytes = 1 << 20
                if case .failure(let failure) = accumulator.finish(progress, request: request) { throw failure.error }
            },
            located: { error in
                guard let error = error as? LLMError else { return false }
                return "\(error)".hasPrefix("http://127.0.0.1:9/v1/chat/completions: ")
            })
        print("fuzz sse: \(run.inputs) inputs, \(run.errors) refused")
        #expect(run.inputs >= 500 && run.unlocated.isEmpty, "\(run.unlocated.prefix(3))")
    }
}
