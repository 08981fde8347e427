/// A run of text in one style; a line is a list of spans.
public struct Span: Hashable, Sendable {
    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

public typealias Line = [Span]

extension Buffer {
    /// Writes spans one after another from (x, y), clipped to `clip`; returns the next column.
    @discardableResult
    public mutating func put(_ line: Line, x: Int, y: Int, clip: Rect) -> Int {
        var column = x
        for span in line { column = put(span.text, x: column, y: y, style: span.style, clip: clip) }
        return column
    }
}

extension Array where Element == Span {
    public var displayWidth: Int { reduce(0) { $0 + DisplayWidth.of($1.text) } }
}
