import Foundation
import Pipeline

/// Loads a theme from TOML: a `[palette]` of named colours and a `[styles]` table of
/// `name = { fg, bg, modifiers }`. Colours are "default", an xterm index 0-255, "#rrggbb"
/// (mapped to the nearest of the 256) or a palette name. Keys left out keep the built-in value.
public enum ThemeFile {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(path: String) throws -> Theme {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(description: "\(path): theme file not found or not UTF-8")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String = "theme") throws -> Theme {
        let table: TOMLTable
        do {
            table = try TOML.parse(text, file: file)
        } catch let error as DataError {
            throw Failure(description: error.description)
        }
        var palette: [String: Color] = [:]
        if let entries = table["palette"]?.table {
            for entry in entries.entries {
                palette[entry.key] = try color(entry.value, palette: [:], file: file, key: "palette.\(entry.key)")
            }
        }
        var theme = Theme()
        guard let styles = table["styles"]?.table else { return theme }
        for (name, value) in styles.entries.map({ ($0.key, $0.value) }) {
            if name == "bundles", let list = value.array {
                theme.bundles = try list.enumerated().map {
                    try style($1, palette: palette, file: file, key: "styles.bundles.\($0)")
                }
                continue
            }
            guard let keyPath = stylePaths[name] else {
                throw Failure(
                    description:
                        "\(file): unknown style 'styles.\(name)' (known: \(stylePaths.keys.sorted().joined(separator: ", ")), bundles)"
                )
            }
            theme[keyPath: keyPath] = try style(value, palette: palette, file: file, key: "styles.\(name)")
        }
        return theme
    }

    nonisolated(unsafe) static let stylePaths: [String: WritableKeyPath<Theme, Style>] = [
        "base": \.base, "border": \.border, "border_focused": \.borderFocused, "title": \.title,
        "tab_active": \.tabActive, "tab_inactive": \.tabInactive, "selected": \.selected,
        "muted": \.muted, "header": \.header, "status": \.status, "status_key": \.statusKey,
        "filter": \.filter, "error": \.error, "untitled": \.untitled, "noise": \.noise,
        "exact": \.exact, "subset": \.subset, "partial": \.partial, "disjoint": \.disjoint, "single": \.single,
        "hallucinated": \.hallucinated, "bar": \.bar, "working": \.working,
    ]

    static func style(_ node: TOMLValue, palette: [String: Color], file: String, key: String) throws -> Style {
        guard let table = node.table else {
            throw Failure(description: "\(file): \(key) must be a table like { fg = 39 }")
        }
        var style = Style()
        if let fg = table["fg"] { style.fg = try color(fg, palette: palette, file: file, key: "\(key).fg") }
        if let bg = table["bg"] { style.bg = try color(bg, palette: palette, file: file, key: "\(key).bg") }
        for modifier in table["modifiers"]?.array ?? [] {
            guard let name = modifier.string, let value = modifierNames[name] else {
                throw Failure(
                    description:
                        "\(file): \(key).modifiers: unknown modifier (use \(modifierNames.keys.sorted().joined(separator: ", ")))"
                )
            }
            style.modifiers.insert(value)
        }
        return style
    }

    static let modifierNames: [String: Modifiers] = [
        "bold": .bold, "dim": .dim, "italic": .italic, "underlined": .underline, "underline": .underline,
        "reverse": .reverse,
    ]

    static func color(_ node: TOMLValue, palette: [String: Color], file: String, key: String) throws -> Color {
        if let index = node.int, (0...255).contains(index) { return .indexed(UInt8(index)) }
        if let text = node.string {
            if text == "default" { return .terminalDefault }
            if let named = palette[text] { return named }
            if text.hasPrefix("#"), text.count == 7, let rgb = UInt32(text.dropFirst(), radix: 16) {
                return .indexed(nearestXterm(r: Int(rgb >> 16 & 0xFF), g: Int(rgb >> 8 & 0xFF), b: Int(rgb & 0xFF)))
            }
        }
        throw Failure(description: "\(file): \(key): expected \"default\", 0-255, \"#rrggbb\" or a palette name")
    }

    /// The nearest entry of the xterm 6×6×6 colour cube.
    static func nearestXterm(r: Int, g: Int, b: Int) -> UInt8 {
        let levels = [0, 95, 135, 175, 215, 255]
        func step(_ v: Int) -> Int { levels.indices.min { abs(levels[$0] - v) < abs(levels[$1] - v) }! }
        return UInt8(16 + 36 * step(r) + 6 * step(g) + step(b))
    }
}
