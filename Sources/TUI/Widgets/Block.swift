/// A bordered box with a title, drawn with Unicode line characters; returns the inner area.
public struct Block: Sendable {
    public var title: String
    public var borderStyle: Style
    public var titleStyle: Style

    public init(title: String = "", borderStyle: Style, titleStyle: Style) {
        self.title = title
        self.borderStyle = borderStyle
        self.titleStyle = titleStyle
    }

    @discardableResult
    public func render(_ area: Rect, _ buffer: inout Buffer) -> Rect {
        let r = area.intersection(buffer.area)
        guard r.width >= 2, r.height >= 2 else { return Rect(x: r.x, y: r.y, width: 0, height: 0) }
        let horizontal = String(repeating: "─", count: r.width - 2)
        buffer.put("┌" + horizontal + "┐", x: r.x, y: r.y, style: borderStyle)
        buffer.put("└" + horizontal + "┘", x: r.x, y: r.maxY - 1, style: borderStyle)
        for y in (r.y + 1)..<(r.maxY - 1) {
            buffer.put("│", x: r.x, y: y, style: borderStyle)
            buffer.put("│", x: r.maxX - 1, y: y, style: borderStyle)
        }
        if !title.isEmpty, r.width > 4 {
            let text = DisplayWidth.truncate(" \(title) ", to: r.width - 4)
            buffer.put(text, x: r.x + 2, y: r.y, style: titleStyle)
        }
        return r.inset(by: 1)
    }
}
