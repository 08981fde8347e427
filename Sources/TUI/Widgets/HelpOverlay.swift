/// The `?` overlay: every key of the workbench in one box over the screen.
public struct HelpOverlay: Sendable {
    public var theme: Theme

    public static let bindings: [(keys: String, action: String)] = [
        ("↑ ↓  j k", "move the selection"),
        ("PgUp PgDn  Space", "move a page"),
        ("g G  Home End", "first / last session"),
        ("/", "filter by id, title, category or intent"),
        ("Enter / Esc", "keep / clear the filter"),
        ("J K", "scroll the session details"),
        ("mouse wheel, click", "scroll, select"),
        ("1", "Sessions screen"),
        ("?  F1", "this help (any key closes)"),
        ("q  Ctrl-C", "quit"),
    ]

    public init(theme: Theme) { self.theme = theme }

    public func render(_ area: Rect, _ buffer: inout Buffer) {
        let keyWidth = Self.bindings.map { DisplayWidth.of($0.keys) }.max() ?? 0
        let textWidth = Self.bindings.map { DisplayWidth.of($0.action) }.max() ?? 0
        let box = area.centered(width: keyWidth + textWidth + 7, height: Self.bindings.count + 4)
        buffer.clear(box, style: theme.base)
        let inner = Block(title: "Help", borderStyle: theme.borderFocused, titleStyle: theme.title).render(box, &buffer)
        for (row, binding) in Self.bindings.enumerated() where row + 1 < inner.height {
            let y = inner.y + row + 1
            buffer.put(DisplayWidth.pad(binding.keys, to: keyWidth), x: inner.x + 1, y: y, style: theme.filter, clip: inner)
            buffer.put(binding.action, x: inner.x + keyWidth + 3, y: y, style: theme.base, clip: inner)
        }
    }
}
