import Foundation
import Pipeline

/// The Knowledge screen: the distilled knowledge (mined patterns, rules with provenance,
/// thoughts per session) and, for a chosen format and quantity, exactly what the student
/// would receive for a test session.
public struct KnowledgeScreen: Sendable {
    /// A mined pattern with the measures of its strongest rule.
    public struct PatternRow: Sendable, Equatable {
        public let names: String
        public let support: Double
        public let count: Int
        public let confidence: Double?
        public let lift: Double?
    }

    public enum PatternSort: Int, CaseIterable, Sendable {
        case support, confidence, lift
        var title: String { ["support", "confidence", "lift"][rawValue] }
    }

    /// Which list the left pane shows.
    public var section = KnowledgeFormat.pattern
    /// The formats in the student's prompt.
    public var formats: Set<KnowledgeFormat> = [.rule]
    public var strategy = SamplingStrategy.random
    public var ratioIndex = 3
    /// `/` narrows the current list by its text.
    public var filter = TextFilter()
    public var patternSort = PatternSort.support
    public var list = ListState()
    public var promptScroll = 0
    /// Index into the test sessions of all datasets.
    public var testIndex = 0

    public private(set) var patterns: [PatternRow] = []
    public private(set) var rules: [KnowledgeItem] = []
    public private(set) var thoughts: [KnowledgeItem] = []
    public private(set) var sampleKeys: Set<String> = []
    public private(set) var prompt = ""
    public private(set) var promptSession: String?
    public private(set) var domain = ""

    public init() {}

    public var ratio: Double { ExtractScreen.ratios[ratioIndex] }
    var rowCount: Int {
        switch section {
        case .pattern: return visiblePatterns.count
        case .rule: return visibleRules.count
        case .thought: return visibleThoughts.count
        }
    }

    var visiblePatterns: [PatternRow] { patterns.filter { filter.matches($0.names) } }
    var visibleRules: [KnowledgeItem] { rules.filter { filter.matches($0.text) } }
    var visibleThoughts: [KnowledgeItem] {
        thoughts.filter { filter.matches($0.sessionList.joined(separator: " ") + " " + $0.text) }
    }

    // MARK: keys

    public enum Action: Sendable {
        case section(Int), move(Int), first, last, cycleSort, toggle(KnowledgeFormat), cycleStrategy, ratio(Int)
        case testSession(Int), scrollPrompt(Int), editFilter, clearFilter
        case typed(Key), mouse(MouseEvent)
    }

    public static let bindings: [KeyBinding<Action>] = [
        KeyBinding([.right, .char("]")], "→ ←  ] [", "next / previous list: patterns, rules, thoughts", .section(1)),
        KeyBinding([.left, .char("[")], "", "", .section(-1)),
        KeyBinding([.up, .char("k")], "↑ ↓  j k", "move in the list", .move(-1)),
        KeyBinding([.down, .char("j")], "", "", .move(1)),
        KeyBinding([.home, .char("g")], "g G", "first / last row", .first),
        KeyBinding([.end, .char("G")], "", "", .last),
        KeyBinding([.char("/")], "/", "filter the list by its text (Enter keeps, Esc clears)", .editFilter),
        KeyBinding([.backspace, .escape], "Backspace  Esc", "clear the filter", .clearFilter),
        KeyBinding([.char("o")], "o", "sort patterns by support, confidence, lift", .cycleSort),
        KeyBinding([.char("p")], "p r t", "patterns / rules / thoughts in the student's prompt", .toggle(.pattern)),
        KeyBinding([.char("r")], "", "", .toggle(.rule)),
        KeyBinding([.char("t")], "", "", .toggle(.thought)),
        KeyBinding([.char("s")], "s", "sampling strategy of the knowledge", .cycleStrategy),
        KeyBinding([.char("+")], "+ -", "sampling ratio up / down", .ratio(1)),
        KeyBinding([.char("-")], "", "", .ratio(-1)),
        KeyBinding([.char("n")], "n N", "next / previous test session for the prompt", .testSession(1)),
        KeyBinding([.char("N")], "", "", .testSession(-1)),
        KeyBinding([.char("J"), .pageDown], "J K  PgDn PgUp", "scroll the prompt", .scrollPrompt(3)),
        KeyBinding([.char("K"), .pageUp], "", "", .scrollPrompt(-3)),
    ]

    mutating func update(_ action: Action, context: ScreenContext) -> [Effect] {
        if case .mouse(let event) = action {
            return mouse(event, layout: KnowledgeLayout(width: context.width, height: context.height), context)
        }
        apply(action, datasets: context.datasets, stored: context.snapshot?.knowledge ?? [])
        return []
    }

    /// The wheel scrolls the prompt under the pointer, or moves through the list; a click selects a row.
    private mutating func mouse(_ event: MouseEvent, layout: KnowledgeLayout, _ context: ScreenContext) -> [Effect] {
        if event.wheel != 0 {
            let overPrompt = layout.prompt.contains(x: event.x, y: event.y)
            return update(overPrompt ? .scrollPrompt(event.wheel) : .move(event.wheel), context: context)
        }
        if event.kind == .press, let row = list.row(atY: event.y, x: event.x, in: layout.listRows, count: rowCount) {
            list.select(row, count: rowCount)
        }
        return []
    }

    private mutating func apply(_ action: Action, datasets: [Dataset], stored: [KnowledgeItem]) {
        switch action {
        case .section(let delta):
            let all = KnowledgeFormat.allCases
            section = all[(all.firstIndex(of: section)! + delta + all.count) % all.count]
            list = ListState()
        case .move(let delta): list.move(by: delta, count: rowCount)
        case .first: list.select(0, count: rowCount)
        case .last: list.select(rowCount - 1, count: rowCount)
        case .cycleSort:
            patternSort = patternSort.next
            sortPatterns()
        case .toggle(let format):
            formats.toggle(format)
            recompute(datasets: datasets, stored: stored)
        case .cycleStrategy:
            strategy = strategy.next
            recompute(datasets: datasets, stored: stored)
        case .ratio(let delta):
            ratioIndex = min(max(0, ratioIndex + delta), ExtractScreen.ratios.count - 1)
            recompute(datasets: datasets, stored: stored)
        case .testSession(let delta):
            let count = datasets.reduce(0) { $0 + $1.sessions(in: .test).count }
            if count > 0 { testIndex = (testIndex + delta + count) % count }
            recompute(datasets: datasets, stored: stored)
        case .scrollPrompt(let delta): promptScroll = max(0, promptScroll + delta)
        case .editFilter: filter.isEditing = true
        case .clearFilter:
            filter.text = ""
            list = ListState()
        case .typed(let key):
            filter.edit(key)
            list.move(by: 0, count: rowCount)
        case .mouse: break  // handled in update
        }
    }

    /// The test session the prompt is for, with its dataset.
    func testSession(_ datasets: [Dataset]) -> (Dataset, Session)? {
        var index = testIndex
        for dataset in datasets {
            let tests = dataset.sessions(in: .test)
            if index < tests.count { return (dataset, tests[index]) }
            index -= tests.count
        }
        return nil
    }

    /// Re-derives the sample, the lists and the student's prompt from the current choices.
    /// Pure and quick: mining a sample takes milliseconds, and no model is called.
    mutating func recompute(datasets: [Dataset], stored: [KnowledgeItem]) {
        promptScroll = 0
        guard
            let (dataset, session) = testSession(datasets)
                ?? datasets.first.flatMap({ d in d.sessions.first.map { (d, $0) } })
        else { return }
        domain = dataset.domain
        let sample = KnowledgeSelection.sample(dataset, strategy: strategy, ratio: ratio, seed: 42)
        sampleKeys = Set(sample.map(\.key))
        let browse = KnowledgeSelection(formats: [.pattern], dataset: dataset, sample: sample, stored: [])
        patterns = browse.patternReport.map(Self.patternRows) ?? []
        sortPatterns()
        let domainItems = stored.filter { $0.domain == dataset.domain }
        rules = domainItems.filter { $0.format == .rule }
        thoughts = domainItems.filter { $0.format == .thought }
        let selection = KnowledgeSelection(formats: formats, dataset: dataset, sample: sample, stored: domainItems)
        let messages = ICLPromptBuilder().messages(
            for: session, in: dataset, knowledge: selection.context,
            training: dataset.sessions(in: .train))
        prompt = messages.map(\.content).joined(separator: "\n\n")
        promptSession = SessionReference.key(domain: dataset.domain, session: session.id)
        list.move(by: 0, count: rowCount)
    }

    static func patternRows(_ report: PatternReport) -> [PatternRow] {
        var best: [[Int32]: AssociationRule] = [:]
        for rule in report.rules {
            let key = (rule.body + [rule.head]).sorted()
            if let current = best[key], current.confidence >= rule.confidence { continue }
            best[key] = rule
        }
        return (0..<report.itemsets.count).compactMap { index in
            let itemset = report.itemsets.itemset(index)
            guard itemset.count >= 2 else { return nil }
            let rule = best[itemset.sorted()]
            return PatternRow(
                names: CategoryPatterns.names(itemset, report.displayNames),
                support: report.itemsets.relativeSupport(index), count: Int(report.itemsets.supports[index]),
                confidence: rule?.confidence, lift: rule?.lift)
        }
    }

    private mutating func sortPatterns() {
        let key: (PatternRow) -> Double =
            switch patternSort {
            case .support: { $0.support }
            case .confidence: { $0.confidence ?? -1 }
            case .lift: { $0.lift ?? -1 }
            }
        patterns = patterns.enumerated().sorted { a, b in
            key(a.element) != key(b.element) ? key(a.element) > key(b.element) : a.offset < b.offset
        }.map(\.element)
    }

    var promptTokens: Int { ICLPromptBuilder.tokens(prompt) }
}
