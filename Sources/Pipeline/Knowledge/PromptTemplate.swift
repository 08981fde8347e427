import Foundation

/// A versioned prompt template shipped as a resource file (`Templates/<name>.txt`), with the
/// JSON schema its answer must follow (when it asks for JSON). The hash covers both, and is
/// recorded on every knowledge item the template helped produce.
public struct PromptTemplate: Sendable, Equatable {
    public let name: String
    public let text: String
    public let schema: String?

    public var hash: String { SHA256.hex(Data((text + "\u{0}" + (schema ?? "")).utf8)) }

    /// Loads `Templates/<name>.txt` from the package resources.
    public static func named(_ name: String, schema: String? = nil) throws -> PromptTemplate {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Templates"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else {
            throw LLMError.notConfigured("prompt template \(name).txt is missing from the Pipeline resources")
        }
        return PromptTemplate(name: name, text: text, schema: schema)
    }

    /// The text with every `{{key}}` replaced; an unknown placeholder left in is a bug, so it traps.
    public func render(_ values: [String: String]) -> String {
        var out = text
        for (key, value) in values { out = out.replacingOccurrences(of: "{{\(key)}}", with: value) }
        precondition(!out.contains("{{"), "template \(name) has an unfilled placeholder")
        return out
    }

    /// The response format to request: a JSON schema when the template has one.
    public var responseFormat: ResponseFormat? {
        schema.map { .jsonSchema(name: name.replacingOccurrences(of: ".", with: "_"), schema: $0) }
    }
}

/// The templates of the three stages, with the schemas that keep small models' JSON well-formed.
public struct StageTemplates: Sendable {
    public let propose: PromptTemplate
    public let reflect: PromptTemplate
    public let consolidate: PromptTemplate
    public let thought: PromptTemplate
    public let repair: PromptTemplate

    /// The answer schema of a session of `products` products: positions run to its own length (a
    /// fixed 10 let a 4-product session's answer name product 9).
    public static func proposeSchema(products: Int) -> String {
        let n = max(2, products)
        return
            #"{"type":"object","properties":{"bundles":{"type":"array","minItems":1,"maxItems":5,"items":{"type":"object","properties":{"items":{"type":"array","minItems":2,"maxItems":"#
            + "\(n)" + #","items":{"type":"integer","minimum":1,"maximum":"# + "\(n)"
            + #"}},"intent":{"type":"string","maxLength":60}},"required":["items","intent"]}}},"required":["bundles"]}"#
    }

    /// The propose template's response format bounded to a session of `products` products.
    public func propose(products: Int) -> ResponseFormat? {
        propose.responseFormat.map { format in
            guard case .jsonSchema(let name, _) = format else { return format }
            return .jsonSchema(name: name, schema: Self.proposeSchema(products: products))
        }
    }

    public static func load() throws -> StageTemplates {
        StageTemplates(
            propose: try .named(
                "propose-bundles.v1",
                schema:
                    proposeSchema(products: 10)
            ),
            reflect: try .named(
                "reflect-rules.v1",
                schema:
                    #"{"type":"object","properties":{"analysis":{"type":"string","maxLength":400},"rules":{"type":"array","minItems":1,"maxItems":4,"items":{"type":"string","maxLength":200}}},"required":["analysis","rules"]}"#
            ),
            consolidate: try .named(
                "consolidate-rules.v1",
                schema:
                    #"{"type":"object","properties":{"rules":{"type":"array","minItems":1,"maxItems":"#
                    + "\(Extractor.maxRules)"
                    + #","items":{"type":"object","properties":{"rule":{"type":"string","maxLength":200},"sources":{"type":"array","maxItems":20,"items":{"type":"integer","minimum":1}}},"required":["rule","sources"]}}},"required":["rules"]}"#
            ),
            thought: try .named("deep-thought.v1"),
            repair: try .named("repair-json.v1"))
    }
}
