/// One documented key of a screen. The help overlay lists these tables and `update` dispatches
/// through them, so what help says and what a key does cannot drift apart.
public struct KeyBinding<Action: Sendable>: Sendable {
    public let keys: [Key]
    /// The keys as the help shows them, e.g. "↑ ↓  j k".
    public let label: String
    public let help: String
    public let action: Action

    public init(_ keys: [Key], _ label: String, _ help: String, _ action: Action) {
        self.keys = keys
        self.label = label
        self.help = help
        self.action = action
    }
}

extension Array {
    /// The action bound to `key` in a binding table.
    func action<Action>(for key: Key) -> Action? where Element == KeyBinding<Action> {
        first { $0.keys.contains(key) }?.action
    }

    /// The table as (label, help) rows for the help overlay.
    func helpRows<Action>() -> [(keys: String, action: String)] where Element == KeyBinding<Action> {
        map { ($0.label, $0.help) }
    }
}

/// The keys every screen shares.
public enum GlobalAction: Hashable, Sendable {
    case quit, help, palette, nextScreen, previousScreen, cancelWork, pauseWork
    case screen(ScreenID)
}

public enum GlobalKeys {
    public static let bindings: [KeyBinding<GlobalAction>] = [
        KeyBinding(
            [.char("1"), .char("2"), .char("3"), .char("4"), .char("5")], "1 … 5", "go to a screen", .screen(.sessions)),
        KeyBinding([.tab], "Tab", "next screen", .nextScreen),
        KeyBinding([.backTab], "Shift-Tab", "previous screen", .previousScreen),
        KeyBinding([.char(":")], ":", "command palette (Tab completes)", .palette),
        KeyBinding([.char("?"), .function(1)], "?  F1", "this help (any key closes)", .help),
        KeyBinding([.escape], "Esc", "cancel the running work", .cancelWork),
        KeyBinding([.ctrl("p")], "Ctrl-P", "pause / resume the running work", .pauseWork),
        KeyBinding([.char("q")], "q", "quit", .quit),
        KeyBinding([.ctrl("c")], "Ctrl-C", "cancel the running work, or quit when idle", .cancelWork),
    ]

    /// With vim keys on: h and l switch screens as well.
    public static let vim: [KeyBinding<GlobalAction>] = [
        KeyBinding([.char("h")], "h", "previous screen (vim keys)", .previousScreen),
        KeyBinding([.char("l")], "l", "next screen (vim keys)", .nextScreen),
    ]

    static func action(for key: Key, vimKeys: Bool) -> GlobalAction? {
        if case .char(let ch) = key, let number = ch.wholeNumberValue, let screen = ScreenID(rawValue: number) {
            return .screen(screen)
        }
        if vimKeys, let action: GlobalAction = vim.action(for: key) { return action }
        return bindings.action(for: key)
    }
}
