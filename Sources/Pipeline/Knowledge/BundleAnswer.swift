import Foundation

/// The one way an answer is written: in a worked example's "Answer:", an SFT target, a
/// baseline's stored text. It is the text the answer grammar emits (`CompactJSONGrammar`: keys
/// sorted, no spaces) — `{"bundles":[{"intent":"...","items":[1,2]}]}` — so what a student is
/// shown, trained on and constrained to are the same.
public enum BundleAnswer {
    public static func json(_ bundles: [ParsedBundle]) -> String {
        let objects = bundles.map { bundle -> [String: Any] in
            var object: [String: Any] = ["items": bundle.items]
            if let intent = bundle.intent { object["intent"] = intent }
            return object
        }
        let data = try! JSONSerialization.data(
            withJSONObject: ["bundles": objects], options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// The session's ground-truth bundles as an answer (positions sorted, intents on one line).
    public static func groundTruth(_ session: Session) -> String {
        json(
            zip(session.bundles, SessionText.positions(session)).map {
                ParsedBundle(items: $1.sorted(), intent: $0.intent.collapsedWhitespace)
            })
    }
}
