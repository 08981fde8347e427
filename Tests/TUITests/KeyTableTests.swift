import Testing
@testable import Pipeline
@testable import TUI

/// The help overlay and `update` read the same key tables; these tests press every key of
/// every table and check that it does something, and that help lists it.
struct KeyTableTests {
    /// A model on `screen` at the start of its lists, or at their end with its panes scrolled
    /// and a filter set: every documented key acts in one of the two.
    func prepared(_ screen: ScreenID, atEnd: Bool, working: Bool) throws -> AppModel {
        var m = try workbenchModel(screen, width: 160, height: 48)
        if screen == .extract {
            for session in ["food/t1", "food/t2", "food/t3"] {
                _ = update(&m, .extraction(.promptSent(.rule, session: session, prompt: "p")))
            }
            _ = send(&m, .home)
        }
        if screen == .knowledge { _ = send(&m, .char("+"), .char("+"), .char("+")) }
        if atEnd {
            if screen == .sessions { _ = send(&m, .char("/"), .char("t"), .enter) }
            if screen == .knowledge { _ = send(&m, .char("/"), .char("e"), .enter) }
            if screen == .experiments { _ = send(&m, .char("/"), .char("o"), .enter) }
            if screen == .compare { _ = send(&m, .char("/"), .char("x"), .enter) }
            _ = send(&m, .end, .char("J"), .char("J"), .char("J"))
        }
        if working { _ = update(&m, .workStarted(.extraction, detail: "test")) }
        return m
    }

    /// What a key can change: the screen's state (its printed value) or the effects.
    func fingerprint(_ m: AppModel) -> String {
        switch m.activeScreen {
        case .sessions:
            return
                "\(m.sessions.list) \(m.sessions.detailScroll) \(m.sessions.sort) \(String(describing: m.sessions.domainFilter)) \(String(describing: m.sessions.splitFilter)) \(String(describing: m.sessions.runID)) \(m.sessions.isEditingFilter) \(m.sessions.filter)"
        case .extract:
            return
                "\(m.extract.stages) \(m.extract.strategy) \(m.extract.ratioIndex) \(m.extract.limitIndex) \(m.extract.list) \(m.extract.follow) \(m.extract.showPrompt) \(String(describing: m.extract.detailScroll))"
        case .knowledge:
            return
                "\(m.knowledge.section) \(m.knowledge.formats) \(m.knowledge.strategy) \(m.knowledge.ratioIndex) \(m.knowledge.patternSort) \(m.knowledge.list) \(m.knowledge.promptScroll) \(m.knowledge.testIndex) \(m.knowledge.filter) \(m.knowledge.curation.edits) \(String(describing: m.knowledge.input)) \(m.knowledge.ruleSort)"
        case .compare:
            return
                "\(m.compare.runIndex) \(String(describing: m.compare.otherRunIndex)) \(m.compare.sessionIndex) \(m.compare.mode) \(m.compare.scroll) \(m.compare.filter)"
        case .experiments:
            return
                "\(m.experiments.list) \(m.experiments.mode) \(m.experiments.metric) \(m.experiments.formats) \(m.experiments.strategy) \(m.experiments.ratioSetIndex) \(m.experiments.limitIndex) \(m.experiments.withTeacher) \(m.experiments.withSFT) \(m.experiments.filter)"
        }
    }

    func keys(_ screen: ScreenID) -> [Key] {
        switch screen {
        case .sessions: return SessionsScreen.bindings.flatMap(\.keys)
        case .extract: return ExtractScreen.bindings.flatMap(\.keys)
        case .knowledge: return KnowledgeScreen.bindings.flatMap(\.keys)
        case .compare: return CompareScreen.bindings.flatMap(\.keys)
        case .experiments: return ExperimentsScreen.bindings.flatMap(\.keys)
        }
    }

    @Test(arguments: ScreenID.allCases) func everyKeyOfTheScreenDoesSomething(_ screen: ScreenID) throws {
        for key in keys(screen) {
            // Pause needs running work; everything else is checked idle (start must be free to start).
            let working = key == .char(" ") && screen == .extract
            var acted = false
            for atEnd in [false, true] {
                var m = try prepared(screen, atEnd: atEnd, working: working)
                let before = fingerprint(m)
                let effects = send(&m, key)
                acted = acted || fingerprint(m) != before || !effects.isEmpty
                #expect(m.activeScreen == screen, "\(screen): \(key) left the screen")
            }
            #expect(acted, "\(screen): \(key) changed nothing")
        }
    }

    @Test(arguments: ScreenID.allCases) func helpListsEveryKeyOfTheScreen(_ screen: ScreenID) throws {
        var m = try workbenchModel(screen, width: 160, height: 48)
        _ = send(&m, .char("?"))
        let text = view(m).lines().joined(separator: "\n")
        #expect(text.contains("Help · \(screen.title)"))
        for row in helpRows(m) where !row.keys.isEmpty {
            #expect(text.contains(row.keys) && text.contains(row.action), "\(screen): help lacks \(row.keys)")
        }
        // Every documented key of the screen is in some row's label.
        let labels = helpRows(m).map(\.keys).joined(separator: " ")
        for key in keys(screen) {
            let shown: String
            switch key {
            case .char(" "): shown = "Space"
            case .char(let ch): shown = String(ch)
            case .up: shown = "↑"
            case .down: shown = "↓"
            case .left: shown = "←"
            case .right: shown = "→"
            case .pageUp: shown = "PgUp"
            case .pageDown: shown = "PgDn"
            case .home: shown = screen == .sessions ? "Home" : "g"
            case .end: shown = screen == .sessions ? "End" : "G"
            case .enter: shown = "Enter"
            case .backspace: shown = "Backspace"
            case .escape: shown = "Esc"
            default: shown = "\(key)"
            }
            #expect(labels.contains(shown), "\(screen): \(key) is not in the help")
        }
    }

    @Test func globalKeysWorkOnEveryScreen() throws {
        for screen in ScreenID.allCases {
            var m = try workbenchModel(screen)
            _ = send(&m, .tab)
            #expect(m.activeScreen == screen.next)
            _ = send(&m, .char(":"))
            #expect(m.palette != nil)
            _ = send(&m, .escape, .char("?"))
            #expect(m.showHelp)
            _ = send(&m, .char("x"))
            #expect(!m.showHelp)
        }
    }
}
