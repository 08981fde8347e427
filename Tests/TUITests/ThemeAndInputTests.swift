import Foundation
import Testing
@testable import TUI

struct ThemeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The shipped file and the compiled-in fallback must describe the same theme.
    @Test func defaultThemeFileEqualsTheBuiltInTheme() throws {
        #expect(try ThemeFile.load(path: Self.root.appendingPathComponent("themes/default.toml").path) == Theme())
    }

    @Test func paletteNamesHexAndModifiers() throws {
        let theme = try ThemeFile.parse(
            """
            [palette]
            accent = "#ff0000"
            [styles]
            title = { fg = "accent", bg = 17, modifiers = ["bold", "reverse"] }
            bundles = [{ fg = 1 }, { fg = "default" }]
            """)
        // #ff0000 → cube (5,0,0) → 16 + 36·5 = 196.
        #expect(theme.title == Style(fg: .indexed(196), bg: .indexed(17), modifiers: [.bold, .reverse]))
        #expect(theme.bundles == [Style(fg: .indexed(1)), Style()])
        #expect(theme.border == Theme().border)  // keys left out keep the built-in value
    }

    @Test func badThemesSayWhereAndWhat() {
        #expect(throws: ThemeFile.Failure.self) { try ThemeFile.parse("[styles]\ntitle = { fg = 300 }") }
        #expect(throws: ThemeFile.Failure.self) { try ThemeFile.parse("[styles]\nnope = { fg = 1 }") }
        do {
            _ = try ThemeFile.parse("[styles\n", file: "t.toml")
            Issue.record("a syntax error must throw")
        } catch {
            #expect("\(error)".hasPrefix("t.toml:1: "))
        }
    }

    @Test func colourMappingForEightColourTerminals() {
        #expect(ColorMapping.basic(196) == 1)  // bright red → red
        #expect(ColorMapping.basic(46) == 2)  // green
        #expect(ColorMapping.basic(21) == 4)  // blue
        #expect(ColorMapping.basic(231) == 7)  // white
        #expect(ColorMapping.basic(16) == 0)  // black
        #expect(ColorMapping.basic(9) == 1)  // bright red of the 16 → red
        // With 8 colours the dark grey of unfocused borders was black on black, i.e. invisible.
        #expect(ColorMapping.basic(240) == 7)  // grey 88 → white
        #expect(ColorMapping.basic(232) == 0)  // grey 8 → black
        #expect(ColorMapping.basic(52) == 1)  // dark red (95, 0, 0) → red, not black
        #expect(ColorMapping.index(.terminalDefault, colors: 8) == -1)
    }
}

struct InputAndTerminalTests {
    @Test func controlCharactersDecode() {
        #expect(InputDecoder.character(3) == .ctrl("c"))
        #expect(InputDecoder.character(27) == .escape)
        #expect(InputDecoder.character(13) == .enter)
        #expect(InputDecoder.character(127) == .backspace)
        #expect(InputDecoder.character(0x62B9) == .char("抹"))
    }

    @Test func terminalProblemsGetOneClearLine() {
        #expect(
            TerminalCheck.problem(environment: ["TERM": "xterm"], stdinIsTTY: false, stdoutIsTTY: true)?
                .hasPrefix("standard input is not a terminal") == true)
        #expect(
            TerminalCheck.problem(environment: [:], stdinIsTTY: true, stdoutIsTTY: true)?
                .hasPrefix("TERM is not set") == true)
        #expect(
            TerminalCheck.problem(environment: ["TERM": "dumb"], stdinIsTTY: true, stdoutIsTTY: true)?
                .hasPrefix("TERM=dumb") == true)
        #expect(
            TerminalCheck.problem(environment: ["TERM": "xterm-256color"], stdinIsTTY: true, stdoutIsTTY: true) == nil)
    }
}
