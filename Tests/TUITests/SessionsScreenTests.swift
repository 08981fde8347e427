import Testing
@testable import TUI

struct SessionsScreenTests {
    /// 80×24: list pane 34 wide (80·2/5 = 32, raised to the 34 minimum), details 46. In the
    /// details (44 inside): category 11 (44/4), markers 8, title 44-4-2-11-1-8 = 18 columns.
    @Test func rendersListDetailsAndStatusLine() {
        let expected = """
             BundleKD   1 Sessions   2 Extract   3 Knowledge   4 Compare   5 Experiments
            ┌─ Sessions 2/2 ─────────────────┐┌─ Session s1 · food · train ────────────────┐
            │id it b  first intent           ││user u1 · 5 items · 2 bundles               │
            │s1  5 2  Tea tasting            ││                                            │
            │s2  2 1  Photo kit              ││ #  Item                Category    Bundles │
            │                                ││ 1  Sencha Green Tea    Green Tea   ●1 ●2   │
            │                                ││ 2  抹茶 Matcha         Matcha      ●1      │
            │                                ││ 3  Garden Hose         Hoses       noise   │
            │                                ││ 4  Shortbread          Cookies     ●2      │
            │                                ││ 5  (untitled item U9)  —           noise   │
            │                                ││                                            │
            │                                ││Ground-truth bundles                        │
            │                                ││●1 Tea tasting  items 1, 2                  │
            │                                ││●2 Tea break  items 1, 4                    │
            │                                ││                                            │
            │                                ││                                            │
            │                                ││                                            │
            │                                ││                                            │
            │                                ││                                            │
            │                                ││                                            │
            │                                ││                                            │
            │                                ││                                            │
            └────────────────────────────────┘└────────────────────────────────────────────┘
             ↑↓ move  / filter  s sort  d domain  t split  ? help
            """
        #expect(view(model()).lines() == expected.components(separatedBy: "\n"))
    }

    @Test func itemsAndBundlesAreColouredByBundle() throws {
        let m = model()
        let buffer = view(m)
        let tea = try #require(buffer.find("Sencha"))
        #expect(buffer[tea.x, tea.y].style == m.theme.bundle(0))
        let marker = try #require(buffer.find("●2 Tea break"))
        #expect(buffer[marker.x + 3, marker.y].style == m.theme.bundle(1))
        let noise = try #require(buffer.find("Garden Hose"))
        #expect(buffer[noise.x, noise.y].style == m.theme.noise)
        let untitled = try #require(buffer.find("(untitled"))
        #expect(buffer[untitled.x, untitled.y].style == m.theme.untitled)
        // The selected row is highlighted across the list width.
        let row = try #require(buffer.find("s1  5 2"))
        #expect(buffer[row.x, row.y].style.bg == m.theme.selected.bg)
    }

    @Test func movingSelectsTheNextSession() {
        var m = model()
        #expect(send(&m, .down).isEmpty)
        #expect(m.sessions.selection?.session.id == "s2")
        #expect(view(m).lines()[1].contains("Session s2 · food · test"))
        #expect(view(m).lines()[2].contains("│2 items · 1 bundle "))
        _ = send(&m, .char("k"))
        #expect(m.sessions.selection?.session.id == "s1")
        _ = send(&m, .end)
        #expect(m.sessions.selection?.session.id == "s2")
    }

    @Test func filterNarrowsTheListAndEscapeClearsIt() {
        var m = model()
        _ = send(&m, .char("/"))
        type(&m, "lens")
        #expect(m.isTyping)
        #expect(view(m).lines()[23].hasPrefix(" filter: lens▏"))
        _ = send(&m, .enter)
        #expect(!m.isTyping)
        #expect(m.sessions.visibleCount == 1)
        #expect(view(m).lines()[1].hasPrefix("┌─ Sessions 1/2 /lens ─"))
        #expect(m.sessions.selection?.session.id == "s2")
        // "q" typed into the filter is text, not quit.
        _ = send(&m, .char("/"))
        #expect(send(&m, .char("q")).isEmpty)
        #expect(m.sessions.visibleCount == 0)
        #expect(view(m).lines()[3].contains("no session matches \"lensq\""))
        _ = send(&m, .escape)
        #expect(m.sessions.visibleCount == 2)
    }

    @Test func helpOverlayOpensAndAnyKeyClosesIt() {
        var m = model()
        _ = send(&m, .char("?"))
        let screen = view(m).lines().joined(separator: "\n")
        #expect(screen.contains("─ Help · Sessions ─"))
        #expect(screen.contains("filter by id, title, category or intent"))
        _ = send(&m, .down)
        #expect(!m.showHelp)
        #expect(m.sessions.selection?.session.id == "s1")  // the closing key did nothing else
    }

    @Test func quitKeys() {
        var m = model()
        #expect(send(&m, .char("q")) == [.quit])
        #expect(send(&m, .ctrl("c")) == [.quit])
    }

    @Test func tooSmallTerminalSaysSo() {
        var m = model()
        _ = update(&m, .resized(width: 50, height: 10))
        #expect(
            view(m).lines()[0...1] == ["Terminal too small: 50×10.", "Please enlarge the window to at least 80×24."])
        _ = update(&m, .resized(width: 79, height: 24))
        #expect(view(m).lines()[0] == "Terminal too small: 79×24.")
    }

    @Test func mouseWheelAndClickSelect() {
        var m = model()
        _ = update(&m, .mouse(MouseEvent(.wheelDown, x: 5, y: 5)))
        #expect(m.sessions.selection?.session.id == "s2")
        _ = update(&m, .mouse(MouseEvent(.press, x: 5, y: 3)))  // row 3: the first session (row 2 is the header)
        #expect(m.sessions.selection?.session.id == "s1")
        _ = update(&m, .mouse(MouseEvent(.press, x: 5, y: 20)))  // below the last row: nothing
        #expect(m.sessions.selection?.session.id == "s1")
    }

    @Test func longListsScrollWithTheSelection() {
        var m = model(width: 80, height: 15)  // 11 list rows; only 2 sessions, so no scrolling
        _ = send(&m, .pageDown)
        #expect(m.sessions.selection?.session.id == "s2")
        #expect(m.sessions.list.offset == 0)
    }
}
