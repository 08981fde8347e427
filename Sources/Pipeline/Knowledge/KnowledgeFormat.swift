import Foundation

/// The paper's three knowledge formats, in order of depth.
public enum KnowledgeFormat: String, Sendable, Codable, CaseIterable {
    case pattern, rule, thought

    /// The stage name used on the command line (`--stages patterns,rules,thoughts`).
    public var stageName: String { rawValue + "s" }

    public init?(stageName: String) {
        guard
            let format = KnowledgeFormat.allCases.first(where: { $0.stageName == stageName || $0.rawValue == stageName }
            )
        else { return nil }
        self = format
    }
}
