/// The `?` overlay: the active screen's keys, then the keys every screen shares, in one box.
/// The rows come from the key tables `update` dispatches through.
public struct HelpOverlay: Sendable {
    public var theme: Theme
    public var title: String
    public var rows: [(keys: String, action: String)]

    public init(theme: Theme, screen: ScreenID, rows: [(keys: String, action: String)]) {
        self.theme = theme
        title = "Help · \(screen.title)"
        self.rows = rows
    }

    public func render(_ area: Rect, _ buffer: inout Buffer) {
        let keyWidth = rows.map { DisplayWidth.of($0.keys) }.max() ?? 0
        let textWidth = rows.map { DisplayWidth.of($0.action) }.max() ?? 0
        let box = area.centered(width: keyWidth + textWidth + 7, height: rows.count + 4)
        buffer.clear(box, style: theme.base)
        let inner = Block(title: title, borderStyle: theme.borderFocused, titleStyle: theme.title).render(box, &buffer)
        // When the terminal is too short for every row, the shared keys fold into one wrapped paragraph.
        var lines: [Line] = rows.map {
            [Span(DisplayWidth.pad($0.keys, to: keyWidth) + "   ", theme.filter), Span($0.action, theme.base)]
        }
        if lines.count + 1 > inner.height, let gap = rows.firstIndex(where: { $0.keys.isEmpty }) {
            let folded = rows[(gap + 1)...].map {
                [Span($0.keys + " ", theme.filter), Span($0.action + " · ", theme.muted)]
            }.flatMap { $0 }
            lines = Array(lines[..<gap]) + Paragraph.wrap(folded, width: max(1, inner.width - 2))
        }
        for (row, line) in lines.enumerated() where row + 1 < inner.height {
            buffer.put(line, x: inner.x + 1, y: inner.y + row + 1, clip: inner)
        }
    }
}
