import Foundation
import Pipeline

/// The Experiments screen: the grid of stored runs with metrics, confidence intervals, cost and
/// significance against a chosen baseline; a bar chart of one metric; and a form to start a grid.
public struct ExperimentsScreen: Sendable {
    public enum Metric: Int, CaseIterable, Sendable {
        case precision, recall, coverage
        var title: String { ["precision", "recall", "coverage"][rawValue] }
    }

    /// Ratio choices for a new grid; the multi-ratio ones draw the paper's RQ2 picture.
    public static let ratioSets: [[Double]] = [[0.05], [0.1], [0.02, 0.05, 0.1], [0.05, 0.1, 0.2]]
    public static let testLimits: [Int?] = [10, 30, 100, nil]

    public var list = ListState()
    /// `/` narrows the runs by their domain, format, strategy, ratio and method.
    public var filter = TextFilter()
    public var baselineRunID: Int64?
    public var mode = ScoringMode.paper
    public var metric = Metric.precision
    public var formats: Set<KnowledgeFormat> = Set(KnowledgeFormat.allCases)
    public var strategy = SamplingStrategy.random
    public var ratioSetIndex = 0
    public var limitIndex = 0
    /// Whether the grid adds the teacher's zero-shot reference row (the share-of-teacher column).
    public var withTeacher = false
    /// Whether each chosen format also runs sft and icl+sft: the SFT sweep, one LoRA student
    /// trained (or reused) per format and ratio.
    public var withSFT = false

    public init() {}

    public var ratios: [Double] { Self.ratioSets[ratioSetIndex] }
    public var testLimit: Int? { Self.testLimits[limitIndex] }

    /// The cells of the grid the form describes: the teacher's row when chosen, zero-shot, then
    /// each format at each ratio, and with SFT each format's sft and icl+sft cells (a student is
    /// trained on a format's sample, so there is none without knowledge).
    public var cells: [ExperimentCell] {
        let chosen = KnowledgeFormat.allCases.filter(formats.contains).map { Set([$0]) }
        let icl = GridAxes(formats: [[]] + chosen, strategies: [strategy], ratios: ratios, methods: methods).cells
        guard withSFT else { return icl }
        return icl + GridAxes(formats: chosen, strategies: [strategy], ratios: ratios, methods: [.sft, .iclSFT]).cells
    }

    var methods: [UtilisationMethod] { withTeacher ? [.teacher, .icl] : [.icl] }

    /// The methods the grid runs, for the form's summary line.
    var allMethods: [UtilisationMethod] { methods + (withSFT && !formats.isEmpty ? [.sft, .iclSFT] : []) }

    public enum Action: Sendable {
        case move(Int), first, last, baseline, cycleMode, cycleMetric, editFilter, clearFilter
        case toggle(KnowledgeFormat), cycleStrategy, cycleRatios, cycleLimit, toggleTeacher, toggleSFT, start
        case typed(Key), mouse(MouseEvent)
    }

    public static let bindings: [KeyBinding<Action>] = [
        KeyBinding([.up, .char("k")], "↑ ↓  j k", "select a run", .move(-1)),
        KeyBinding([.down, .char("j")], "", "", .move(1)),
        KeyBinding([.home, .char("g")], "g G", "first / last run", .first),
        KeyBinding([.end, .char("G")], "", "", .last),
        KeyBinding([.char("/")], "/", "filter the runs (Enter keeps, Esc clears)", .editFilter),
        KeyBinding([.backspace, .escape], "Backspace  Esc", "clear the filter", .clearFilter),
        KeyBinding([.char("b")], "b", "the selected run becomes the baseline of the p-values", .baseline),
        KeyBinding([.char("m")], "m", "scoring mode: paper or strict", .cycleMode),
        KeyBinding([.char("c")], "c", "chart: precision, recall, coverage", .cycleMetric),
        KeyBinding(
            [.char("p")], "p r t", "grid formats: patterns / rules / thoughts (none always runs)", .toggle(.pattern)),
        KeyBinding([.char("r")], "", "", .toggle(.rule)),
        KeyBinding([.char("t")], "", "", .toggle(.thought)),
        KeyBinding([.char("s")], "s", "grid strategy", .cycleStrategy),
        KeyBinding([.char("a")], "a", "grid ratios: 0.05 · 0.1 · 0.02,0.05,0.1 · 0.05,0.1,0.2", .cycleRatios),
        KeyBinding([.char("n")], "n", "test sessions per cell: 10, 30, 100, all", .cycleLimit),
        KeyBinding([.char("e")], "e", "add the teacher's zero-shot row (the reference for × teacher)", .toggleTeacher),
        KeyBinding([.char("f")], "f", "add sft and icl+sft: a LoRA student per format and ratio", .toggleSFT),
        KeyBinding([.enter], "Enter", "start the grid (finished cells are skipped)", .start),
    ]

    mutating func update(_ action: Action, context: ScreenContext) -> [Effect] {
        let rows = rows(context.snapshot)
        let selected = list.selected < rows.count ? rows[list.selected].run.id : nil
        if case .mouse(let event) = action {
            mouse(event, layout: ExperimentsLayout(width: context.width, height: context.height), rows: rows.count)
            return []
        }
        return apply(action, rows: rows.count, selectedRunID: selected, working: context.work != nil)
    }

    /// The wheel moves through the runs; a click on a table row selects it.
    private mutating func mouse(_ event: MouseEvent, layout: ExperimentsLayout, rows: Int) {
        if event.wheel != 0 {
            list.move(by: event.wheel, count: rows)
        } else if event.kind == .press, let row = list.row(atY: event.y, x: event.x, in: layout.tableRows, count: rows)
        {
            list.select(row, count: rows)
        }
    }

    private mutating func apply(_ action: Action, rows: Int, selectedRunID: Int64?, working: Bool) -> [Effect] {
        switch action {
        case .move(let delta): list.move(by: delta, count: rows)
        case .first: list.select(0, count: rows)
        case .last: list.select(rows - 1, count: rows)
        case .baseline:
            baselineRunID = selectedRunID
            return [.reloadWorkspace(baselineRunID: baselineRunID, mode: mode)]
        case .cycleMode:
            mode = mode == .paper ? .strict : .paper
            return [.reloadWorkspace(baselineRunID: baselineRunID, mode: mode)]
        case .cycleMetric: metric = metric.next
        case .editFilter: filter.isEditing = true
        case .clearFilter:
            filter.text = ""
            list = ListState()
        case .toggle(let format):
            formats.toggle(format)
        case .cycleStrategy:
            strategy = strategy.next
        case .cycleRatios: ratioSetIndex = (ratioSetIndex + 1) % Self.ratioSets.count
        case .cycleLimit: limitIndex = (limitIndex + 1) % Self.testLimits.count
        case .toggleTeacher: withTeacher.toggle()
        case .toggleSFT: withSFT.toggle()
        case .start:
            guard !working else { return [] }
            return [.startGrid(cells: cells, testLimit: testLimit)]
        case .typed(let key):
            filter.edit(key)
            list.move(by: 0, count: rows)
        case .mouse: break  // handled in update
        }
        return []
    }

    /// The report's rows the filter lets through, in chart order.
    func rows(_ snapshot: WorkspaceSnapshot?) -> [ExperimentReport.Row] {
        Self.rows(snapshot).filter { filter.matches(Self.label($0.run)) }
    }

    /// "electronic rules random 0.05 icl": what the chart shows and the filter searches; a
    /// no-model baseline reads "electronic no model same-category" (mined-pairs with its quantity),
    /// and a named test set follows ("… icl stratified:12").
    static func label(_ run: RunRecord) -> String {
        let set = run.testSet.map { " \($0)" } ?? ""
        guard run.isBaseline else { return run.label + set }
        let quantity = run.isZeroShot ? "" : " \(run.strategy.rawValue) \(run.ratio)"
        let round = run.round > 0 ? " round \(run.round + 1)" : ""
        return "\(run.domain) \(UtilisationMethod.noModel) \(run.method.rawValue)\(quantity)\(round)\(set)"
    }

    /// The report's rows in chart order: domain, the no-model baselines first (the references
    /// the rest is read against), then format, strategy, method, ratio.
    static func rows(_ snapshot: WorkspaceSnapshot?) -> [ExperimentReport.Row] {
        (snapshot?.report?.rows ?? []).sorted { a, b in
            a.run.domain != b.run.domain || a.run.isBaseline == b.run.isBaseline
                ? RunRecord.chartOrder(a.run, b.run) : a.run.isBaseline
        }
    }
}
