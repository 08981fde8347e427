/// The `/` filter of a list: the text typed so far and whether the keyboard is in it.
public struct TextFilter: Sendable, Equatable {
    public var text = ""
    public var isEditing = false

    public init(text: String = "", isEditing: Bool = false) {
        self.text = text
        self.isEditing = isEditing
    }

    /// Applies a key while editing: Enter keeps the text, Esc clears it, Backspace and Ctrl-U delete.
    public mutating func edit(_ key: Key) {
        switch key {
        case .enter: isEditing = false
        case .escape:
            isEditing = false
            text = ""
        case .backspace: text = String(text.dropLast())
        case .ctrl("u"): text = ""
        case .char(let ch): text.append(ch)
        default: break
        }
    }

    /// Case-insensitive substring match; everything matches an empty filter.
    public func matches(_ candidate: String) -> Bool {
        text.isEmpty || candidate.lowercased().contains(text.lowercased())
    }
}
