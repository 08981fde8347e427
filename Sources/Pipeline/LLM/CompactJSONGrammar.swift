import Foundation

/// A llama.cpp GBNF grammar for the answers a JSON Schema describes, with no whitespace outside
/// strings. llama.cpp's own schema conversion allows a space or a newline and 20 spaces of
/// indentation between tokens, and the models use it: the 1.5B teacher spent about a third of
/// its answer tokens on indentation.
///
/// Covers the schema subset the prompts use — objects whose properties are all required,
/// arrays with item bounds, bounded integers, strings with a maximum length; anything else
/// gives nil, and the request keeps its JSON Schema.
public enum CompactJSONGrammar {
    public static func gbnf(schema: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(schema.utf8)) as? [String: Any] else {
            return nil
        }
        var builder = Builder()
        guard let root = builder.rule(for: object, name: "root") else { return nil }
        builder.rules.insert("root ::= \(root)", at: 0)
        let shared = [
            #"char ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})"#,
        ]
        return (builder.rules + shared).joined(separator: "\n") + "\n"
    }

    private struct Builder {
        var rules: [String] = []
        private var count = 0

        /// The right-hand side for `node`, adding named rules for objects and arrays.
        mutating func rule(for node: [String: Any], name: String) -> String? {
            switch node["type"] as? String {
            case "object": return object(node, name: name)
            case "array": return array(node, name: name)
            case "integer": return integer(node)
            case "string": return string(node)
            case "boolean": return #"("true" | "false")"#
            default: return nil
            }
        }

        private mutating func named(_ hint: String, _ body: String) -> String {
            count += 1
            let name = "\(hint.filter { $0.isLetter || $0.isNumber })-\(count)"
            rules.append("\(name) ::= \(body)")
            return name
        }

        private mutating func object(_ node: [String: Any], name: String) -> String? {
            guard let properties = node["properties"] as? [String: Any], !properties.isEmpty,
                let required = node["required"] as? [String], Set(required) == Set(properties.keys)
            else { return nil }
            // Keys in sorted order: the order llama.cpp's own conversion sees (request bodies are
            // canonical JSON with sorted keys), so only the whitespace changes.
            var parts: [String] = []
            for key in properties.keys.sorted() {
                guard let child = properties[key] as? [String: Any], let value = rule(for: child, name: key) else {
                    return nil
                }
                parts.append(Self.literal("\"\(key)\":") + " " + value)
            }
            return named(name, "\"{\" " + parts.joined(separator: " \",\" ") + " \"}\"")
        }

        private mutating func array(_ node: [String: Any], name: String) -> String? {
            guard let items = node["items"] as? [String: Any], let item = rule(for: items, name: name + "-item") else {
                return nil
            }
            let low = node["minItems"] as? Int ?? 0
            let high = node["maxItems"] as? Int
            guard low >= 0, high.map({ $0 >= max(low, 1) }) ?? true else { return nil }
            let rest = "(\",\" \(item)){\(max(low - 1, 0)),\(high.map { String($0 - 1) } ?? "")}"
            let body = low == 0 ? "\"[\" (\(item) \(rest))? \"]\"" : "\"[\" \(item) \(rest) \"]\""
            return named(name, body)
        }

        private func integer(_ node: [String: Any]) -> String? {
            let low = node["minimum"] as? Int
            let high = node["maximum"] as? Int
            if let low, let high {  // small ranges as alternatives: exact, and what the prompts use
                guard low <= high, high - low <= 200 else { return nil }
                return "(" + (low...high).map { "\"\($0)\"" }.joined(separator: " | ") + ")"
            }
            guard high == nil else { return nil }
            switch low {
            case nil: return #"("-"? ("0" | [1-9] [0-9]{0,15}))"#
            case 0: return #"("0" | [1-9] [0-9]{0,15})"#
            case 1: return #"([1-9] [0-9]{0,15})"#
            default: return nil
            }
        }

        private func string(_ node: [String: Any]) -> String? {
            let length = node["maxLength"] as? Int
            return "\"\\\"\" char{0,\(length.map(String.init) ?? "")} \"\\\"\""
        }

        /// `text` as a GBNF string literal.
        static func literal(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
    }
}
