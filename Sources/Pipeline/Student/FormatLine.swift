/// The last line of a student prompt, which says how to answer. Today's (`example`) shows
/// `[1, 2]`, and a 135M student copies it: on 40 stratified sessions it answered `[1, 2]` in 40
/// of 40. `shape` describes the answer without example numbers; `none` leaves the shape to the
/// grammar or JSON schema that constrains the answer. A cell's label and run key name it.
public enum FormatLine: String, CaseIterable, Codable, Hashable, Sendable {
    case example
    case shape
    case none

    /// The line itself (nil: no line).
    public var text: String? {
        switch self {
        case .example: #"Answer only with JSON: {"bundles": [{"items": [1, 2], "intent": "..."}]}"#
        case .shape:
            #"Answer only with JSON: an object whose "bundles" list holds one object per bundle, with "items" "#
                + #"(the numbers of that bundle's products) and "intent" (its 3-to-5-word intent)."#
        case .none: nil
        }
    }

    /// The variant every cell uses unless it names another.
    public static let standard = FormatLine.example
}
