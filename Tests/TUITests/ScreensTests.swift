import Foundation
import Testing
@testable import Pipeline
@testable import TUI

/// Buffer tests of the five screens at 80×24 and 160×48 on the hand-made fixture; every
/// number below is worked out by hand in the comments.
struct ScreensTests {
    static let sizes = [(80, 24), (160, 48)]

    /// Every screen fills the terminal exactly: the frame's rows keep their width even with
    /// wide (CJK) titles, the active tab is highlighted, the status line is last.
    @Test(arguments: ScreenID.allCases) func everyScreenFitsBothSizes(_ screen: ScreenID) throws {
        for (width, height) in Self.sizes {
            var m = try workbenchModel(screen, width: width, height: height)
            if screen == .sessions { _ = send(&m, .end, .up) }  // x10, the 10-item session with CJK titles
            let buffer = view(m)
            let lines = buffer.lines()
            #expect(lines.count == height)
            for line in lines { #expect(DisplayWidth.of(line) <= width, "\(screen) \(width)×\(height): \(line)") }
            // Rows that close a full-width frame end exactly at the right edge.
            for line in lines.dropFirst().dropLast() where line.hasPrefix("┌") || line.hasPrefix("└") {
                #expect(DisplayWidth.of(line) == width, "\(screen) \(width)×\(height): \(line)")
            }
            for line in lines where line.contains("抹茶") { #expect(DisplayWidth.of(line) == width, "\(line)") }
            let tab = try #require(buffer.find(" \(screen.rawValue) \(screen.title) "))
            #expect(buffer[tab.x, tab.y].style == m.theme.tabActive)
        }
    }

    // MARK: Sessions

    @Test func sessionsSortFilterAndShowTheStudentsBundles() throws {
        var m = try workbenchModel(.sessions)
        _ = send(&m, .char("s"))  // by length: x10 (10 items) first; the selection stays on t1
        #expect(m.sessions.selection?.session.id == "t1")
        _ = send(&m, .char("g"))
        #expect(m.sessions.selection?.session.id == "x10")
        #expect(view(m).lines()[1].contains("Sessions 6/6 · by length"))
        // The newest run (#2, rules) answered x10: [1,2] is a subset of ●1, [3,9] is partial.
        _ = send(&m, .char("J"), .char("J"), .char("J"), .char("J"))
        var buffer = view(m)
        #expect(buffer.lines().joined(separator: "\n").contains("Student bundles  food rules random 0.5 icl"))
        #expect(buffer.style(of: "P1 ") == m.theme.subset.patched(with: Style(modifiers: [.bold])))
        #expect(buffer.style(of: "P2 ") == m.theme.partial.patched(with: Style(modifiers: [.bold])))
        _ = send(&m, .char("r"))  // the first stored run: #1, which answered [1,2,3]: exact
        buffer = view(m)
        #expect(buffer.lines().joined(separator: "\n").contains("Student bundles  food none icl #1"))
        #expect(buffer.style(of: "P1 ") == m.theme.exact.patched(with: Style(modifiers: [.bold])))
        _ = send(&m, .char("t"))  // train only: t1-t4
        #expect(m.sessions.visibleCount == 4)
        _ = send(&m, .char("t"), .char("t"))  // valid (none here), then test: x10, x2
        #expect(m.sessions.visibleCount == 2)
        _ = send(&m, .char("d"))  // the only domain
        #expect(view(m).lines()[1].contains("food · test"))
    }

    // MARK: Extract

    @Test func extractStartsPausesAndCancels() throws {
        var m = try workbenchModel(.extract)
        #expect(
            send(&m, .enter) == [
                .startExtraction(
                    stages: [.pattern, .rule, .thought],
                    plan: SamplePlan(strategy: .random, ratio: 0.1, limit: 2))
            ])
        // What the screen shows meanwhile is pictured in ScreenPictureTests.
        startRulesCall(&m, pressEnter: false)
        finishRulesCall(&m)
        #expect(view(m).lines().last!.contains("▶ extract  rules on 2 sessions"))  // not the totals twice
        _ = send(&m, .char("1"))
        #expect(view(m).lines().last!.contains("step 1/2 · 3 calls (1 cached)"))  // elsewhere the totals
        _ = send(&m, .char("2"))
        #expect(send(&m, .char(" ")) == [.setPaused(true)])
        #expect(m.work?.paused == true)
        #expect(view(m).lines().joined(separator: "\n").contains("PAUSED"))
        #expect(send(&m, .escape) == [.cancelWork])
        _ = update(&m, .workFinished(.extraction, failure: "cancelled"))
        #expect(m.work == nil)
        #expect(view(m).lines().last!.contains("extract: cancelled"))
    }

    // MARK: Knowledge

    /// Loaded data and a loaded workspace leave the Knowledge screen due, not computed, until
    /// it is shown; then it holds the stored rules and the prompt of the data that arrived.
    @Test func knowledgeIsComputedWhenShown() throws {
        var m = try workbenchModel(.sessions)
        #expect(m.knowledgeIsStale && m.knowledge.prompt.isEmpty)
        _ = update(&m, .datasetsLoaded([workbenchDataset()], label: "again"))
        #expect(m.knowledgeIsStale && m.knowledge.prompt.isEmpty)
        _ = send(&m, .char("3"))
        #expect(m.activeScreen == .knowledge && !m.knowledgeIsStale)
        #expect(m.knowledge.promptSession?.hasPrefix("food/") == true && !m.knowledge.prompt.isEmpty)
        #expect(!m.knowledge.rules.isEmpty)
        // Shown, it follows a workspace reload at once.
        _ = update(&m, .workspaceLoaded(try workbenchSnapshot(dataset: workbenchDataset())))
        #expect(!m.knowledgeIsStale)
    }

    /// With ratio 1.0 all four training sessions are sampled. Their bundles' categories:
    /// {Tea, Teaware} ×2, {Cookies}, {Milk, Sweeteners}: 4 transactions. Tea + Teaware has
    /// support 2/4 = 50% and lift 1/(2/4) = 2.0; Milk + Sweeteners 1/4 = 25%, lift 1/(1/4) = 4.0.
    /// The rule's effect from the fixture's attribution (hand-computed there: Δprecision −1/2 on
    /// x10, hurt 1), then a curated draft: disable it, add one, save under a name.
    @Test func knowledgeShowsEachRulesEffectAndCuratesADraft() throws {
        var m = try workbenchModel(.knowledge, width: 160, height: 40, attribution: true)
        _ = send(&m, .right, .char("+"), .char("+"), .char("+"), .char("+"), .char("+"))  // rules, ratio 1.0
        var screen = view(m).lines().joined(separator: "\n")
        #expect(screen.contains("● in the sample   rule") && screen.contains("Δprec"))
        #expect(screen.contains("● 1. Keep tea with its teaware.") && screen.contains("-0.500"))
        #expect(m.knowledge.prompt.contains("Keep tea with its teaware"))
        #expect(screen.contains("effect helped 0 · hurt 1 · Δprecision -0.500 [-0.500, -0.500]"))
        #expect(screen.contains("over 1 session of #2 food rules random 0.5 icl"))
        _ = send(&m, .char("x"))
        #expect(!m.knowledge.prompt.contains("Keep tea with its teaware"))
        _ = send(&m, .char("a"))
        type(&m, "Pair lemon with honey.")
        _ = send(&m, .enter)
        #expect(m.knowledge.prompt.contains("Rules for finding bundles:\nPair lemon with honey."))
        screen = view(m).lines().joined(separator: "\n")
        #expect(screen.contains("curated draft, 2 edits") && screen.contains("✗ 1. Keep tea with its teaware."))
        #expect(m.knowledge.curation.edits == ["disabled rule 1", "added a rule at position 3"])
        _ = send(&m, .char("w"))
        type(&m, "lean")
        let effects = send(&m, .enter)
        #expect(effects == [.saveKnowledgeSet(m.knowledge.curation, name: "lean", author: KnowledgeScreen.author)])
        // x in the patterns list leaves that mined pattern out of the prompt; its effect is shown.
        _ = send(&m, .left, .char("p"))
        screen = view(m).lines().joined(separator: "\n")
        #expect(screen.contains("supp  conf  lift   Δprec") && screen.contains("2.0  -0.500"))
        #expect(m.knowledge.prompt.contains("- Tea + Teaware (support 50%, 2 bundles)"))
        _ = send(&m, .char("x"))
        #expect(!m.knowledge.prompt.contains("Tea + Teaware"))
        #expect(view(m).lines().joined(separator: "\n").contains("✗ Tea + Teaware"))
        _ = send(&m, .right)
        // Sorting by effect puts the unmeasured added rule (no effect) last.
        _ = send(&m, .char("o"))
        #expect(m.knowledge.entryRows.map(\.entry.text) == ["1. Keep tea with its teaware.", "Pair lemon with honey."])
    }

    /// A before the workspace is read says so, rather than that no run exists; once it is read,
    /// A starts the attribution of the fixture's rules run.
    @Test func attributionWaitsForTheWorkspace() throws {
        var m = try workbenchModel(.knowledge, width: 160, height: 40, attribution: true)
        let snapshot = try #require(m.snapshot)
        m.snapshot = nil
        _ = send(&m, .right)  // the rules list
        #expect(send(&m, .char("A")) == [.notice("the workspace is still loading: press A again")])
        _ = update(&m, .workspaceLoaded(snapshot))
        let effects = send(&m, .char("A"))
        #expect(effects.count == 1)
        if case .startAttribution = effects.first {} else { Issue.record("\(effects)") }
    }

    @Test func knowledgeTogglesChangeTheExactPrompt() throws {
        var m = try workbenchModel(.knowledge)
        _ = send(&m, .char("+"), .char("+"), .char("+"))  // 0.1 → 0.2 → 0.5 → 1.0
        #expect(m.knowledge.ratio == 1.0)
        #expect(m.knowledge.patterns.map(\.names) == ["Tea + Teaware", "Milk + Sweeteners"])
        #expect(m.knowledge.patterns.map(\.lift) == [2.0, 4.0])
        _ = send(&m, .char("o"), .char("o"))  // support → confidence → lift
        #expect(m.knowledge.patterns.first?.names == "Milk + Sweeteners")
        // The prompt sent for x10 with the one stored rule: 751 UTF-8 bytes (wc -c; the four CJK
        // characters take 3 bytes each), and the estimate is a quarter of the bytes rounded up: 188.
        let expectedPrompt = """
            A bundle is a set of products a shopper would buy together for one purpose: alternatives or complements that share an intent.

            Rules for finding bundles:
            1. Keep tea with its teaware.

            Products in this food shopping session:
            product1: Sencha Green Tea [Tea]
            product2: 抹茶 Matcha Powder [Tea]
            product3: Tea Whisk [Teaware]
            product4: Butter Biscuits [Cookies]
            product5: Shortbread [Cookies]
            product6: Garden Hose [Garden]
            product7: 玉露 Gyokuro [Tea]
            product8: Oat Milk [Milk]
            product9: Lemon [Fruit]
            product10: Honey [Sweeteners]

            Find the bundles in this session: each has at least two products from the list and a 3-to-5-word intent. Leave out products that fit no bundle.
            Answer only with JSON: {"bundles": [{"items": [1, 2], "intent": "..."}]}
            """
        #expect(m.knowledge.prompt == expectedPrompt)
        var buffer = view(m)
        #expect(buffer.lines()[4].contains("─ Prompt · food/x10 · 188 tokens ─"))
        _ = send(&m, .char("r"), .char("p"))  // rules off, patterns on
        #expect(!m.knowledge.prompt.contains("Rules for finding bundles"))
        #expect(m.knowledge.prompt.contains("- Tea + Teaware (support 50%, 2 bundles)"))
        _ = send(&m, .char("n"))
        #expect(m.knowledge.promptSession == "food/x2")
        _ = send(&m, .char("/"))
        type(&m, "WARE")  // case-insensitive: only Tea + Teaware
        _ = send(&m, .enter)
        #expect(m.knowledge.visiblePatterns.map(\.names) == ["Tea + Teaware"])
        #expect(view(m).lines()[4].contains("[patterns] rules thoughts /WARE"))
        _ = send(&m, .backspace)
        #expect(m.knowledge.visiblePatterns.count == 2)
        _ = send(&m, .right)  // the rules list, with its provenance
        buffer = view(m)
        #expect(buffer.lines().joined(separator: "\n").contains("● 1. Keep tea with its teaware."))
        #expect(buffer.lines().joined(separator: "\n").contains("sessions food/t1"))
        #expect(buffer.lines().joined(separator: "\n").contains("errors partial"))
    }

    // MARK: Compare

    @Test func compareShowsItemSetsColouredByCategory() throws {
        var m = try workbenchModel(.compare)
        var buffer = view(m)
        let lines = buffer.lines()
        #expect(lines[1].contains("Compare · x10 (1/2) · paper mode"))
        #expect(lines.contains { $0.contains("A food rules random 0.5 icl #2") })
        let first = try #require(lines.first { $0.contains("Sencha Green Tea") })
        #expect(first.contains("●1") && first.contains("A1"))
        let ninth = try #require(lines.first { $0.contains("Lemon") })
        #expect(!ninth.contains("●") && ninth.contains("A2"))
        #expect(buffer.style(of: "A1 ") == m.theme.subset)
        #expect(buffer.style(of: "A2 ") == m.theme.partial)
        // Paper mode: 1 hit of 2 predicted, 1 of 2 truths, coverage 2/3.
        #expect(
            lines.joined(separator: "\n").contains("precision 0.50 · recall 0.50 · coverage 0.67 · 1 of 2 bundles hit"))
        _ = send(&m, .char("b"))  // run #1 beside: [1,2,3] is exact
        buffer = view(m)
        #expect(buffer.style(of: "B1 ") == m.theme.exact)
        _ = send(&m, .char("n"))  // x2 did not parse in run #2: a miss
        #expect(view(m).lines()[1].contains("x2 (2/2)"))
        #expect(view(m).lines().joined(separator: "\n").contains("answer did not parse"))
        _ = send(&m, .char("m"))
        #expect(view(m).lines()[1].contains("strict mode"))
        _ = send(&m, .char("/"))
        type(&m, "lemon")  // x10 and x2 both hold a lemon; "hot lemon" is x2's intent only
        _ = send(&m, .char(" "))
        type(&m, "hot")
        #expect(m.isTyping)
        _ = send(&m, .enter)
        // "lemon hot" matches neither: the filter is a substring, so nothing is left.
        #expect(view(m).lines().joined(separator: "\n").contains("no session of this run matches \"lemon hot\""))
        _ = send(&m, .backspace)
        #expect(view(m).lines()[1].contains("(1/2)"))
    }

    // MARK: Experiments

    /// The table and chart are pictures in ScreenPictureTests; here the keys: a baseline
    /// choice reloads the workspace, and Enter starts the grid the header describes.
    @Test func experimentsKeys() throws {
        var m = try workbenchModel(.experiments)
        _ = send(&m, .char("c"))
        #expect(view(m).lines().joined(separator: "\n").contains("recall by format"))
        _ = send(&m, .down)
        #expect(send(&m, .char("b")) == [.reloadWorkspace(baselineRunID: 2, mode: .paper)])
        #expect(
            send(&m, .char("a"), .char("n"), .char("t"), .enter) == [
                .startGrid(
                    cells: [
                        ExperimentCell(formats: []),
                        ExperimentCell(formats: [.pattern], ratio: 0.1), ExperimentCell(formats: [.rule], ratio: 0.1),
                    ],
                    testLimit: 30)
            ])
        _ = send(&m, .char("e"))  // the teacher's reference row goes first
        #expect(m.experiments.cells.first == ExperimentCell(formats: [], method: .teacher))
        #expect(m.experiments.cells.count == 4)
        #expect(view(m).lines()[3].contains("4 cells per domain, teacher + icl · Enter starts"))
    }

    /// `f` adds the SFT sweep: sft and icl+sft for each chosen format at each ratio, and none
    /// without knowledge (a student is trained on a format's sample). Patterns and rules at 0.1:
    /// none, patterns and rules with icl, then each format's sft and icl+sft in turn (the two
    /// cells of one student together) = 7 cells.
    @Test func theSFTSweepFromTheForm() throws {
        var m = try workbenchModel(.experiments)
        _ = send(&m, .char("t"), .char("f"))
        #expect(m.experiments.cells.count == 7)
        let tuned = m.experiments.cells.filter { $0.method.needsFineTunedStudent }
        #expect(tuned.map(\.formats) == [[.pattern], [.pattern], [.rule], [.rule]])
        #expect(tuned.map(\.method) == [.sft, .iclSFT, .sft, .iclSFT])
        #expect(!m.experiments.cells.contains { $0.formats.isEmpty && $0.method.needsFineTunedStudent })
        #expect(view(m).lines()[3].contains("7 cells per domain, icl + sft + icl+sft · Enter starts"))
        _ = send(&m, .char("f"))
        #expect(m.experiments.cells.count == 3)
    }

    // MARK: everywhere

    @Test func tabsNumbersAndTheMouseSwitchScreens() throws {
        var m = try workbenchModel(.sessions)
        _ = send(&m, .tab)
        #expect(m.activeScreen == .extract)
        _ = send(&m, .backTab, .backTab)
        #expect(m.activeScreen == .experiments)
        _ = send(&m, .char("3"))
        #expect(m.activeScreen == .knowledge)
        let tab = try #require(view(m).find(" 4 Compare "))
        _ = update(&m, .mouse(MouseEvent(.press, x: tab.x + 2, y: 0)))
        #expect(m.activeScreen == .compare)
        _ = send(&m, .char("h"))
        #expect(m.activeScreen == .compare)  // vim keys are off by default
        m.vimKeys = true
        _ = send(&m, .char("h"))
        #expect(m.activeScreen == .knowledge)
    }

    /// The app forwards the mouse to the active screen, which knows its own layout: in the
    /// Experiments picture the runs start on row 7, so row 8 is run #2; in Knowledge the prompt
    /// pane starts at column 40 and the list holds the two patterns of ratio 1.0.
    @Test func theActiveScreenHandlesTheMouse() throws {
        var m = try workbenchModel(.experiments)
        _ = update(&m, .mouse(MouseEvent(.press, x: 5, y: 8)))
        #expect(m.experiments.list.selected == 1)
        _ = update(&m, .mouse(MouseEvent(.press, x: 5, y: 12)))  // an empty table row: nothing
        #expect(m.experiments.list.selected == 1)
        m.activeScreen = .knowledge
        _ = send(&m, .char("+"), .char("+"), .char("+"))
        _ = update(&m, .mouse(MouseEvent(.wheelDown, x: 50, y: 10)))
        #expect(m.knowledge.promptScroll == 1 && m.knowledge.list.selected == 0)
        _ = update(&m, .mouse(MouseEvent(.wheelDown, x: 5, y: 7)))
        #expect(m.knowledge.list.selected == 1)
    }

    @Test func paletteCompletesAndRunsCommands() throws {
        var m = try workbenchModel(.sessions)
        m.themeNames = ["default", "high-contrast", "light", "mono"]
        _ = send(&m, .char(":"))
        type(&m, "th")
        _ = send(&m, .tab)
        #expect(m.palette?.text == "theme ")  // four themes share "theme "
        type(&m, "l")
        _ = send(&m, .tab)
        #expect(m.palette?.text == "theme light")
        #expect(send(&m, .enter) == [.loadTheme("light")])
        _ = send(&m, .char(":"))
        type(&m, "expe")
        #expect(send(&m, .enter) == [])
        #expect(m.activeScreen == .experiments)
        _ = send(&m, .char(":"))
        type(&m, "nonsense")
        _ = send(&m, .enter)
        #expect(m.notice == "unknown command 'nonsense' (Tab lists the commands)")
        #expect(m.palette == nil)
    }

    /// While the data loads, a notice (say, the local server starting) is only a notice; a
    /// load failure ends the app.
    @Test func onlyALoadFailureEndsTheAppWhileLoading() {
        var m = AppModel(datasets: [], sourceLabel: "x")
        m.loading = "reading …"
        #expect(update(&m, .notice("starting the local model server")) == [])
        #expect(update(&m, .dataLoadFailed("s.jsonl:1: not valid JSON")) == [.quit])
    }

    @Test func ctrlCCancelsWorkAndQuitsWhenIdle() throws {
        var m = try workbenchModel(.extract)
        _ = update(&m, .workStarted(.extraction, detail: "x"))
        #expect(send(&m, .ctrl("c")) == [.cancelWork])
        #expect(send(&m, .char("q")) == [.quit])
        _ = update(&m, .workFinished(.extraction, failure: nil))
        #expect(send(&m, .ctrl("c")) == [.quit])
    }
}

/// A request that waits for its first token is said in the status bar, and the notice goes
/// once the wait is over.
struct ServerWaitTests {
    @Test func theStatusBarSaysWhatTheWorkWaitsFor() throws {
        var m = try workbenchModel(.sessions, width: 120, height: 30)
        _ = update(&m, .workStarted(.grid, detail: "4 cells × 1 domains"))
        _ = update(&m, .serverWaiting(.student, seconds: 12))
        #expect(
            view(m).lines().last?.hasPrefix(" ▶ grid  waiting for the student server (12 s) · 4 cells × 1 domains")
                == true)
        _ = update(&m, .serverWaiting(.student, seconds: 0))
        #expect(view(m).lines().last?.hasPrefix(" ▶ grid  4 cells × 1 domains") == true)
    }
}
