/// Lines of spans, word-wrapped to the area's width, from a first visible line on.
public struct Paragraph: Sendable {
    public var lines: [Line]

    public init(_ lines: [Line]) { self.lines = lines }

    /// Plain text in one style; each newline starts a new line.
    public init(text: String, style: Style) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { [Span(String($0), style)] }
    }

    /// The wrapped rows for a width.
    public func rows(width: Int) -> [Line] { lines.flatMap { $0.isEmpty ? [[]] : Self.wrap($0, width: width) } }

    /// Splits each line into rows no wider than `width`, breaking at spaces where possible.
    public static func wrap(_ line: Line, width: Int) -> [Line] {
        guard width > 0 else { return [] }
        var rows: [Line] = [[]]
        var used = 0
        for span in line {
            for word in span.text.splitKeepingSpaces() {
                let w = DisplayWidth.of(word)
                if used + w > width, used > 0 {
                    rows.append([])
                    used = 0
                    if word == " " { continue }
                }
                var piece = word
                while DisplayWidth.of(piece) > width {  // a word longer than the line: hard break
                    let head = DisplayWidth.truncate(piece, to: width + 1).dropLast()
                    rows[rows.count - 1].append(Span(String(head), span.style))
                    rows.append([])
                    piece = String(piece.dropFirst(head.count))
                }
                rows[rows.count - 1].append(Span(piece, span.style))
                used += DisplayWidth.of(piece)
            }
        }
        return rows
    }

    /// Draws from row `scroll` on (clamped so the last row can reach the bottom); returns the
    /// number of wrapped rows, so callers can show a scroll hint.
    @discardableResult
    public func render(_ area: Rect, _ buffer: inout Buffer, scroll: Int = 0) -> Int {
        guard !area.isEmpty else { return 0 }
        let rows = rows(width: area.width)
        let scroll = min(max(0, scroll), max(0, rows.count - area.height))
        for (index, row) in rows.dropFirst(scroll).prefix(area.height).enumerated() {
            buffer.put(row, x: area.x, y: area.y + index, clip: area)
        }
        return rows.count
    }
}

extension String {
    /// Words and single spaces as separate pieces, so wrapping can drop a break's space.
    func splitKeepingSpaces() -> [String] {
        var pieces: [String] = []
        var current = ""
        for ch in self {
            if ch == " " {
                if !current.isEmpty { pieces.append(current); current = "" }
                pieces.append(" ")
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
