import Foundation

/// One piece of knowledge as the student's prompt holds it: a rule, a mined pattern line or a
/// thought. Its identity is its format and text, so a rule keeps its measured effect wherever the
/// same text appears (a stored item, a curated set's entry), and an edited rule is a new piece.
public struct KnowledgePiece: Codable, Hashable, Sendable {
    public var format: KnowledgeFormat
    public var text: String

    public init(format: KnowledgeFormat, text: String) {
        self.format = format
        self.text = text
    }

    /// "rule:3f2a…": stable across runs and workspaces.
    public var key: String { "\(format.rawValue):" + SHA256.hex(Data(text.utf8)).prefix(16) }
}

extension KnowledgeContext {
    /// The pieces a prompt built by `builder` can show, in prompt order: patterns and rules up to
    /// the builder's limits, then every thought (each session's prompt shows its neighbours' only).
    public func pieces(shownBy builder: ICLPromptBuilder) -> [KnowledgePiece] {
        patterns.prefix(builder.patternLimit).map { KnowledgePiece(format: .pattern, text: $0) }
            + rules.prefix(builder.ruleLimit).map { KnowledgePiece(format: .rule, text: $0) }
            + thoughts.keys.sorted().map { KnowledgePiece(format: .thought, text: thoughts[$0]!) }
    }

    /// This context without `left` (every copy of each piece's text in its format).
    public func leavingOut(_ left: [KnowledgePiece]) -> KnowledgeContext {
        let out = Set(left)
        var context = self
        context.patterns.removeAll { out.contains(KnowledgePiece(format: .pattern, text: $0)) }
        context.rules.removeAll { out.contains(KnowledgePiece(format: .rule, text: $0)) }
        context.thoughts = context.thoughts.filter { !out.contains(KnowledgePiece(format: .thought, text: $0.value)) }
        return context
    }
}
