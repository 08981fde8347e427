import Foundation
import Testing
@testable import Pipeline

/// The compact-JSON grammar: its text for the bundles schema (written out by hand from the
/// schema), the subset it refuses, and real answers under it from the local llama.cpp server.
struct CompactGrammarTests {
    @Test func bundlesSchemaBecomesThisGrammar() throws {
        let schema = try #require(try StageTemplates.load().propose.schema)
        let digits = (1...10).map { "\"\($0)\"" }.joined(separator: " | ")
        let expected = """
            root ::= root-4
            items-1 ::= "[" (\(digits)) ("," (\(digits))){1,9} "]"
            bundlesitem-2 ::= "{" "\\"intent\\":" "\\"" char{0,60} "\\"" "," "\\"items\\":" items-1 "}"
            bundles-3 ::= "[" bundlesitem-2 ("," bundlesitem-2){0,4} "]"
            root-4 ::= "{" "\\"bundles\\":" bundles-3 "}"
            char ::= [^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4})

            """
        #expect(CompactJSONGrammar.gbnf(schema: schema) == expected)
    }

    @Test(arguments: [
        // an optional key
        #"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["a"]}"#,
        #"{"type":"object","properties":{"a":{"type":"number"}},"required":["a"]}"#,
        #"{"type":"object","properties":{"a":{"type":"integer","minimum":1,"maximum":1000}},"required":["a"]}"#,
        #"{"type":"array","maxItems":0,"items":{"type":"string"}}"#,
        "not json",
    ])
    func outsideTheSubsetThereIsNoGrammar(schema: String) {
        #expect(CompactJSONGrammar.gbnf(schema: schema) == nil)
    }

    /// JSON text with every string's content removed: what is left must hold no whitespace.
    static func outsideStrings(_ text: String) -> String {
        var out = "", inString = false, escaped = false
        for ch in text {
            if inString {
                if escaped {
                    escaped = false
                } else if ch == "\\" {
                    escaped = true
                } else if ch == "\"" {
                    inString = false
                }
            } else if ch == "\"" {
                inString = true
            } else {
                out.append(ch)
            }
        }
        return out
    }

    @Test(
        .enabled(
            if: ProcessInfo.processInfo.environment["LLM_BASE_URL"] != nil,
            "skipped: LLM_BASE_URL is not set (make test starts the local model server and sets it)"))
    func realAnswersUnderTheGrammarAreCompactAndWithinTheSchema() async throws {
        let endpoint = EndpointConfig(
            baseURLs: [ProcessInfo.processInfo.environment["LLM_BASE_URL"] ?? ""], model: "local", maxTokens: 200,
            seed: 7)
        let client = try ChatClient(endpoint: endpoint)
        let templates = try StageTemplates.load()
        let prompt = "Products: 1. USB cable 2. Phone charger 3. Laptop 4. Laptop bag 5. Mouse. Answer in JSON."
        for template in [templates.propose, templates.reflect, templates.consolidate] {
            let request = ChatRequest(
                model: "local", messages: [.user(prompt)], maxTokens: 200, seed: 7,
                responseFormat: template.responseFormat)
            let text = try await client.complete(request).response.text
            #expect(client.structuredFallback.mode(for: endpoint.baseURLs[0]) == .grammar)
            let object = try #require(
                try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(template.name): \(text)")
            #expect(!Self.outsideStrings(text).contains { $0.isWhitespace }, "\(template.name): \(text)")
            if template.name.hasPrefix("propose") {
                let bundles = try #require(object["bundles"] as? [[String: Any]])
                #expect((1...5).contains(bundles.count))
                for bundle in bundles {
                    let items = try #require(bundle["items"] as? [Int])
                    #expect((2...10).contains(items.count) && items.allSatisfy { (1...10).contains($0) })
                    #expect(((bundle["intent"] as? String)?.count ?? 99) <= 60)
                }
            }
        }
    }
}
