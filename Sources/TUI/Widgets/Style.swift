/// A terminal colour: the terminal's default or an xterm-256 index.
public enum Color: Hashable, Sendable {
    case terminalDefault
    case indexed(UInt8)
}

/// Text attributes a cell can carry.
public struct Modifiers: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = Modifiers(rawValue: 1)
    public static let dim = Modifiers(rawValue: 2)
    public static let italic = Modifiers(rawValue: 4)
    public static let underline = Modifiers(rawValue: 8)
    public static let reverse = Modifiers(rawValue: 16)
}

/// Foreground, background and modifiers of a cell.
public struct Style: Hashable, Sendable {
    public var fg: Color
    public var bg: Color
    public var modifiers: Modifiers

    public init(fg: Color = .terminalDefault, bg: Color = .terminalDefault, modifiers: Modifiers = []) {
        self.fg = fg
        self.bg = bg
        self.modifiers = modifiers
    }

    public static let plain = Style()

    /// This style with `other` laid on top: its non-default colours win, modifiers add up.
    public func patched(with other: Style) -> Style {
        Style(
            fg: other.fg == .terminalDefault ? fg : other.fg,
            bg: other.bg == .terminalDefault ? bg : other.bg,
            modifiers: modifiers.union(other.modifiers))
    }
}
