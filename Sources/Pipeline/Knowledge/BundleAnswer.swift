import Foundation

/// The one way an answer is written: in a worked example's "Answer:", an SFT target, a
/// baseline's stored text — `{"bundles": [{"items": [1, 2], "intent": "..."}]}`, keys in the
/// order the answer grammar emits them, so what a student is shown, trained on and constrained
/// to are the same text.
public enum BundleAnswer {
    public static func json(_ bundles: [ParsedBundle]) -> String {
        let objects = bundles.map { bundle in
            "{\"items\": [\(bundle.items.map(String.init).joined(separator: ", "))]"
                + (bundle.intent.map { ", \"intent\": \(string($0))" } ?? "") + "}"
        }
        return "{\"bundles\": [\(objects.joined(separator: ", "))]}"
    }

    /// The session's ground-truth bundles as an answer (positions sorted, intents on one line).
    public static func groundTruth(_ session: Session) -> String {
        json(
            zip(session.bundles, SessionText.positions(session)).map {
                ParsedBundle(items: $1.sorted(), intent: $0.intent.collapsedWhitespace)
            })
    }

    /// A JSON string literal.
    static func string(_ text: String) -> String {
        String(
            decoding: try! JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed, .withoutEscapingSlashes]),
            as: UTF8.self)
    }
}
