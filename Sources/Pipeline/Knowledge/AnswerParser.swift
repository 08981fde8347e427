import Foundation

/// A bundle as a model wrote it: 1-based product positions and an optional intent.
public struct ParsedBundle: Hashable, Sendable, Codable {
    public var items: [Int]
    public var intent: String?

    public init(items: [Int], intent: String? = nil) {
        self.items = items
        self.intent = intent
    }
}

/// Why an answer could not be used, with the raw text kept by the caller.
public struct ParseFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// Reads model answers tolerantly: JSON, or Python-dict style (`{'bundle1': ['product1']}`),
/// inside code fences or followed by chatter; product references as numbers, "product10",
/// "Product 3" or "item 2".
public enum AnswerParser {
    /// The first JSON value (object or array) in `text`, after the repairs above.
    public static func jsonValue(in text: String) throws -> Any {
        // A student trained on thoughts reasons first: its answer is what follows "Answer:".
        let answer = text.range(of: "Answer:", options: .backwards).map { String(text[$0.upperBound...]) } ?? text
        let body = stripFences(answer)
        guard let candidate = balancedValue(in: body) else {
            throw ParseFailure(reason: "no JSON object or array in the answer")
        }
        for attempt in [candidate, pythonToJSON(candidate)] {
            if let value = try? JSONSerialization.jsonObject(with: Data(attempt.utf8), options: [.fragmentsAllowed]) {
                return value
            }
        }
        throw ParseFailure(reason: "the answer's JSON does not parse: \(candidate.prefix(80))")
    }

    /// Bundles from any of the shapes models produce:
    /// `{"bundles": [{"items": [...], "intent": ...}]}`, `{"bundle1": [...], ...}`,
    /// `{"bundle1": {"items": [...], "intent": ...}}`, or a bare array of either.
    public static func bundles(in text: String) throws -> [ParsedBundle] {
        let value = try jsonValue(in: text)
        let entries: [Any]
        if let object = value as? [String: Any] {
            if let list = object["bundles"] as? [Any] {
                entries = list
            } else if let list = object["bundles"] as? [String: Any] {
                entries = list.keys.sorted(by: naturalOrder).map { list[$0]! }
            } else {
                entries = object.keys.sorted(by: naturalOrder).map { key in
                    (object[key] as? [String: Any]).map { $0 as Any } ?? ["items": object[key]!, "name": key] as Any
                }
            }
        } else if let list = value as? [Any] {
            entries = list
        } else {
            throw ParseFailure(reason: "expected bundles, got \(type(of: value))")
        }
        let bundles = try entries.map(bundle)
        guard !bundles.isEmpty else { throw ParseFailure(reason: "the answer lists no bundles") }
        return bundles
    }

    static func bundle(_ entry: Any) throws -> ParsedBundle {
        if let list = entry as? [Any] { return ParsedBundle(items: try list.map(position)) }
        guard let object = entry as? [String: Any] else {
            throw ParseFailure(reason: "a bundle is neither a list nor an object")
        }
        let raw = object["items"] ?? object["products"] ?? object["bundle"] ?? object["members"]
        guard let list = raw as? [Any] else { throw ParseFailure(reason: "a bundle has no item list") }
        let intent = (object["intent"] ?? object["name"] ?? object["title"]) as? String
        return ParsedBundle(items: try list.map(position), intent: intent)
    }

    /// 3, "3", "product3", "Product 10", "item 2" → the number; anything else fails.
    public static func position(_ reference: Any) throws -> Int {
        if let number = reference as? Int { return number }
        if let number = reference as? Double, number == number.rounded() { return Int(number) }
        if let text = reference as? String {
            let digits = text.reversed().drop { !$0.isNumber }.prefix { $0.isNumber }
            if let number = Int(String(digits.reversed())), !digits.isEmpty { return number }
        }
        throw ParseFailure(reason: "'\(reference)' is not a product reference")
    }

    static func stripFences(_ text: String) -> String {
        guard let open = text.range(of: "```") else { return text }
        var rest = text[open.upperBound...]
        if let newline = rest.firstIndex(of: "\n") { rest = rest[rest.index(after: newline)...] }  // drop the "json" tag line
        if let close = rest.range(of: "```") { return String(rest[..<close.lowerBound]) }
        return String(rest)
    }

    /// The first `{…}` or `[…]` with balanced brackets, skipping brackets inside strings.
    static func balancedValue(in text: String) -> String? {
        let characters = Array(text)
        guard let start = characters.firstIndex(where: { $0 == "{" || $0 == "[" }) else { return nil }
        var depth = 0
        var quote: Character?
        var escaped = false
        for index in start..<characters.count {
            let ch = characters[index]
            if let open = quote {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == open { quote = nil }
                continue
            }
            switch ch {
            case "\"", "'": quote = ch
            case "{", "[": depth += 1
            case "}", "]":
                depth -= 1
                if depth == 0 { return String(characters[start...index]) }
            default: break
            }
        }
        return nil
    }

    /// Python literals to JSON: single-quoted strings, True/False/None, trailing commas.
    static func pythonToJSON(_ text: String) -> String {
        var out = ""
        var inSingle = false, inDouble = false, escaped = false
        for ch in text {
            if escaped { out.append(ch); escaped = false; continue }
            if ch == "\\" { out.append(ch); escaped = true; continue }
            if ch == "'" && !inDouble { inSingle.toggle(); out.append("\""); continue }
            if ch == "\"" && inSingle { out.append("\\\""); continue }
            if ch == "\"" { inDouble.toggle() }
            out.append(ch)
        }
        var json = out.replacingOccurrences(of: "True", with: "true").replacingOccurrences(of: "False", with: "false")
            .replacingOccurrences(of: "None", with: "null")
        for closer in ["}", "]"] {
            while let range = json.range(of: ",\\s*\\\(closer)", options: .regularExpression) {
                json.replaceSubrange(range, with: closer)
            }
        }
        return json
    }

    /// "bundle2" before "bundle10".
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: .numeric) == .orderedAscending
    }
}
