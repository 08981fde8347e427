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
        /// The line the student's prompt shows for it.
        public let line: String
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
    /// The rules and thoughts as the analyst curates them; the teacher's items until the first edit.
    public internal(set) var curation = KnowledgeCuration(domain: "", items: [])
    /// The text field that has the keyboard (editing, adding, naming the set), if any.
    public internal(set) var input: Input?
    public var ruleSort = RuleSort.prompt
    /// The latest attribution of a run in this domain, whose effects the list shows.
    public private(set) var attribution: AttributionReport?

    public init() {}

    /// The field that has the keyboard: the text input, else the `/` filter.
    var activeField: TextFilter { input?.field ?? filter }

    public var ratio: Double { ExtractScreen.ratios[ratioIndex] }
    var rowCount: Int {
        switch section {
        case .pattern: return visiblePatterns.count
        case .rule, .thought: return entryRows.count
        }
    }

    var visiblePatterns: [PatternRow] { patterns.filter { filter.matches($0.names) } }

    // MARK: keys

    public enum Action: Sendable {
        case section(Int), move(Int), first, last, cycleSort, toggle(KnowledgeFormat), cycleStrategy, ratio(Int)
        case testSession(Int), scrollPrompt(Int), editFilter, clearFilter
        case curate(CurationAction)
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
        KeyBinding([.char("o")], "o", "sort: patterns by support, confidence, lift; rules by effect", .cycleSort),
        KeyBinding([.char("x")], "x", "disable / enable the pattern, rule or thought in the curated draft", .curate(.toggle)),
        KeyBinding([.char("e")], "e a", "edit the rule / add a rule (Enter keeps, Esc drops)", .curate(.edit)),
        KeyBinding([.char("a")], "", "", .curate(.add)),
        KeyBinding([.char("<")], "< >", "move the rule up / down", .curate(.move(-1))),
        KeyBinding([.char(">")], "", "", .curate(.move(1))),
        KeyBinding([.char("w")], "w", "save the draft as a named, versioned knowledge set", .curate(.save)),
        KeyBinding(
            [.char("A")], "A", "attribute: each item left out of the latest icl run (background)", .curate(.attribute)),
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
        if case .curate(let curation) = action { return curate(curation, context: context) }
        if case .typed(let key) = action, input != nil { return typeIntoInput(key, context: context) }
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
            if section == .pattern {
                patternSort = patternSort.next
                sortPatterns()
            } else {
                ruleSort = ruleSort.next
                list = ListState()
            }
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
        case .mouse, .curate: break  // handled in update
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
    mutating func recompute(
        datasets: [Dataset], stored: [KnowledgeItem], attributions: [AttributionReport] = []
    ) {
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
        if !curation.isEdited || curation.domain != dataset.domain {
            curation = KnowledgeCuration(domain: dataset.domain, items: domainItems)
        }
        attribution = attributions.last { $0.run.domain == dataset.domain } ?? attribution
        rebuildPrompt(datasets: datasets, stored: stored)
    }

    /// The student's prompt for the chosen test session: the sample's knowledge, with the
    /// curated draft's rules and thoughts in place of the teacher's once the draft is edited —
    /// what a cell using the saved set would send.
    mutating func rebuildPrompt(datasets: [Dataset], stored: [KnowledgeItem]) {
        guard
            let (dataset, session) = testSession(datasets)
                ?? datasets.first.flatMap({ d in d.sessions.first.map { (d, $0) } })
        else { return }
        let sample = KnowledgeSelection.sample(dataset, strategy: strategy, ratio: ratio, seed: 42)
        let domainItems = stored.filter { $0.domain == dataset.domain }
        var context = KnowledgeSelection(formats: formats, dataset: dataset, sample: sample, stored: domainItems)
            .context
        if curation.isEdited { context = context.curated(by: curation.entries, formats: formats) }
        let messages = ICLPromptBuilder().messages(
            for: session, in: dataset, knowledge: context, training: dataset.sessions(in: .train))
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
                confidence: rule?.confidence, lift: rule?.lift, line: PatternText.pattern(report, index))
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
