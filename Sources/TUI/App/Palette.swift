import Foundation

/// The `:` command palette: a line of text, completed with Tab from a fixed list of commands.
public struct Palette: Sendable {
    public var text = ""

    /// Every command the palette knows, as typed; theme commands come from the theme files found.
    static func commands(themeNames: [String]) -> [String] {
        ScreenID.allCases.map { $0.title.lowercased() }
            + themeNames.map { "theme \($0)" }
            + ["extract start", "grid start", "cancel", "pause", "resume", "reload", "vim", "help", "quit"]
    }

    /// The commands that start with what has been typed.
    func matches(themeNames: [String]) -> [String] {
        let typed = text.lowercased()
        return Self.commands(themeNames: themeNames).filter { $0.hasPrefix(typed) }
    }

    /// Tab: extends the text to the longest prefix all matches share.
    mutating func complete(themeNames: [String]) {
        let found = matches(themeNames: themeNames)
        guard var prefix = found.first else { return }
        for candidate in found.dropFirst() {
            while !candidate.hasPrefix(prefix) { prefix.removeLast() }
        }
        if prefix.count > text.count { text = prefix }
    }

    /// The command Enter runs: the exact text, or the only match.
    func resolved(themeNames: [String]) -> String? {
        let typed = text.lowercased().trimmingCharacters(in: .whitespaces)
        let all = Self.commands(themeNames: themeNames)
        if all.contains(typed) { return typed }
        let found = matches(themeNames: themeNames)
        return found.count == 1 ? found[0] : nil
    }
}
