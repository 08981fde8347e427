import Testing
@testable import TUI

struct BufferTests {
    init() { _ = utf8Locale }

    /// docs/swift-ncurses-curl.md §1.3, measured with glibc: 29 columns.
    @Test func displayWidthOfMixedScripts() {
        #expect(DisplayWidth.of("你好，世界！こんにちは 한국어") == 29)
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("e\u{301}") == 1)  // combining accent adds nothing
    }

    @Test func wideCharactersTakeTwoCellsAndLineUp() {
        var buffer = Buffer(width: 8, height: 2)
        buffer.put("抹茶ab", x: 0, y: 0, style: .plain)
        buffer.put("abcdef", x: 0, y: 1, style: .plain)
        #expect(buffer.lines() == ["抹茶ab", "abcdef"])
        #expect(buffer[1, 0].isContinuation)
        #expect(buffer[4, 0].symbol == "a")  // same column as row 1's "e"
    }

    @Test func aWideCharacterIsNeverSplitAtTheClipEdge() {
        var buffer = Buffer(width: 5, height: 1)
        let end = buffer.put("ab抹茶", x: 0, y: 0, style: .plain, clip: Rect(x: 0, y: 0, width: 3, height: 1))
        #expect(buffer.lines() == ["ab"])
        #expect(end == 3)
        #expect(!buffer[2, 0].isContinuation)
    }

    @Test func zeroSizedAreasDrawNothing() {
        var buffer = Buffer(width: 4, height: 2)
        Block(title: "x", borderStyle: .plain, titleStyle: .plain).render(
            Rect(x: 0, y: 0, width: 1, height: 1), &buffer)
        buffer.put("hello", x: 0, y: 5, style: .plain)
        #expect(buffer.lines() == ["", ""])
        #expect(Buffer(width: 0, height: 0).lines() == [])
    }

    @Test func blockDrawsBordersAndTitle() {
        var buffer = Buffer(width: 12, height: 3)
        let inner = Block(title: "Hi", borderStyle: .plain, titleStyle: .plain).render(buffer.area, &buffer)
        #expect(buffer.lines() == ["┌─ Hi ─────┐", "│          │", "└──────────┘"])
        #expect(inner == Rect(x: 1, y: 1, width: 10, height: 1))
    }

    @Test func paragraphWrapsAtSpacesAndBreaksLongWords() {
        let rows = Paragraph.wrap([Span("tea and biscuits abcdefghij")], width: 8)
        #expect(rows.map { $0.map(\.text).joined() } == ["tea and ", "biscuits", "abcdefgh", "ij"])
    }

    @Test func truncateAddsAnEllipsisWithinTheWidth() {
        #expect(DisplayWidth.truncate("Matcha powder", to: 8) == "Matcha …")
        #expect(DisplayWidth.truncate("抹茶抹茶", to: 5) == "抹茶…")
        #expect(DisplayWidth.pad("抹", to: 4) == "抹  ")
    }

    @Test func listStateKeepsTheSelectionVisible() {
        var state = ListState()
        state.move(by: 7, count: 10)
        state.scrollIntoView(height: 3, count: 10)
        #expect(state == ListState(selected: 7, offset: 5))
        state.move(by: -100, count: 10)
        state.scrollIntoView(height: 3, count: 10)
        #expect(state == ListState(selected: 0, offset: 0))
    }
}
