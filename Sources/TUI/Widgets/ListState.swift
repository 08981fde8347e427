/// Selection and scroll offset of a list; the offset follows the selection.
public struct ListState: Hashable, Sendable {
    public var selected: Int = 0
    public var offset: Int = 0

    public init(selected: Int = 0, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// Moves the selection by `delta` within `count` rows.
    public mutating func move(by delta: Int, count: Int) {
        guard count > 0 else { selected = 0; offset = 0; return }
        selected = min(max(selected + delta, 0), count - 1)
    }

    public mutating func select(_ index: Int, count: Int) {
        move(by: index - selected, count: count)
    }

    /// Adjusts the offset so the selection is visible in `height` rows.
    public mutating func scrollIntoView(height: Int, count: Int) {
        guard height > 0 else { return }
        if selected < offset { offset = selected }
        if selected >= offset + height { offset = selected - height + 1 }
        offset = max(0, min(offset, max(0, count - height)))
    }

    /// The index of the row drawn at `y` when the list occupies `rows` with the selection
    /// scrolled into view; nil outside the list or below its last row.
    public func row(atY y: Int, x: Int, in rows: Rect, count: Int) -> Int? {
        guard rows.contains(x: x, y: y) else { return nil }
        var shown = self
        shown.scrollIntoView(height: rows.height, count: count)
        let row = shown.offset + y - rows.y
        return row < count ? row : nil
    }
}

/// A vertical list of lines with one highlighted row and a scroll indicator.
public struct ListView: Sendable {
    public var rows: [Line]
    public var highlight: Style

    public init(rows: [Line], highlight: Style) {
        self.rows = rows
        self.highlight = highlight
    }

    /// Renders the visible rows; `state` is the value after `scrollIntoView`.
    public func render(_ area: Rect, _ buffer: inout Buffer, state: ListState) {
        guard !area.isEmpty else { return }
        for row in 0..<area.height {
            let index = state.offset + row
            guard index < rows.count else { break }
            let y = area.y + row
            if index == state.selected {
                buffer.setStyle(highlight, in: Rect(x: area.x, y: y, width: area.width, height: 1))
                let line = rows[index].map { Span($0.text, $0.style.patched(with: highlight)) }
                buffer.put(line, x: area.x, y: y, clip: area)
            } else {
                buffer.put(rows[index], x: area.x, y: y, clip: area)
            }
        }
    }
}
