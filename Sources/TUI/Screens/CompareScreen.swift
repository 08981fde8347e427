import Foundation
import Pipeline

/// The Compare screen: for a run and a session, the student's bundles beside the ground truth
/// as item sets, coloured by error category; optionally a second run beside the first.
public struct CompareScreen: Sendable {
    /// Index into the snapshot's runs (newest first) of run A, and optionally run B.
    public var runIndex = 0
    public var otherRunIndex: Int?
    public var sessionIndex = 0
    public var mode = ScoringMode.paper
    public var scroll = 0
    /// `/` narrows the sessions by id, item title or intent.
    public var filter = TextFilter()

    public init() {}

    public enum Action: Sendable {
        case move(Int), first, last, nextMiss(Int), nextFlip(Int), cycleRun(Int), cycleOther, cycleMode, scroll(Int),
            editFilter, clearFilter
        case typed(Key), mouse(MouseEvent)
    }

    public static let bindings: [KeyBinding<Action>] = [
        KeyBinding([.down, .char("j")], "↓ ↑  j k", "next / previous session of the run", .move(1)),
        KeyBinding([.up, .char("k")], "", "", .move(-1)),
        KeyBinding([.home, .char("g")], "g G", "first / last session", .first),
        KeyBinding([.end, .char("G")], "", "", .last),
        KeyBinding([.char("n")], "n N", "next / previous miss (anything short of exact)", .nextMiss(1)),
        KeyBinding([.char("N")], "", "", .nextMiss(-1)),
        KeyBinding([.char("f")], "f F", "next / previous session that flipped between A and B", .nextFlip(1)),
        KeyBinding([.char("F")], "", "", .nextFlip(-1)),
        KeyBinding([.char("r")], "r R", "run A: next / previous run", .cycleRun(1)),
        KeyBinding([.char("R")], "", "", .cycleRun(-1)),
        KeyBinding([.char("b")], "b", "run B beside A: cycle runs of the same domain, then off", .cycleOther),
        KeyBinding([.char("m")], "m", "scoring mode: paper or strict", .cycleMode),
        KeyBinding(
            [.char("/")], "/", "filter the sessions by id, title or intent (Enter keeps, Esc clears)", .editFilter),
        KeyBinding([.backspace, .escape], "Backspace  Esc", "clear the filter", .clearFilter),
        KeyBinding([.char("J"), .pageDown], "J K  PgDn PgUp", "scroll", .scroll(3)),
        KeyBinding([.char("K"), .pageUp], "", "", .scroll(-3)),
    ]

    /// Runs newest first, as the screen numbers them.
    static func runs(_ snapshot: WorkspaceSnapshot?) -> [RunRecord] {
        (snapshot?.runs ?? []).sorted { ($0.id ?? 0) > ($1.id ?? 0) }
    }

    /// The sessions run A answered, in the dataset's order.
    func sessions(_ snapshot: WorkspaceSnapshot?, datasets: [Dataset]) -> [(Dataset, Session)] {
        let runs = Self.runs(snapshot)
        guard runIndex < runs.count, let id = runs[runIndex].id, let answered = snapshot?.predictions[id],
            let dataset = datasets.first(where: { $0.domain == runs[runIndex].domain })
        else { return [] }
        return dataset.sessions.filter {
            answered[$0.id] != nil
                && (filter.text.isEmpty || filter.matches(SessionsScreen.searchText($0, in: dataset)))
        }
        .map { (dataset, $0) }
    }

    func answer(_ snapshot: WorkspaceSnapshot?, runAt index: Int?, session: Session) -> (RunRecord, StudentAnswer?)? {
        let runs = Self.runs(snapshot)
        guard let index, index < runs.count, let id = runs[index].id else { return nil }
        return (
            runs[index], snapshot?.predictions[id]?[session.id].map { StudentAnswer($0, session: session, mode: mode) }
        )
    }

    /// Sessions that flipped from run A to run B (none without B).
    func flips(_ snapshot: WorkspaceSnapshot?, datasets: [Dataset]) -> [RunComparison.Flip] {
        let runs = Self.runs(snapshot)
        guard let other = otherRunIndex, runIndex < runs.count, other < runs.count,
            let a = runs[runIndex].id.flatMap({ snapshot?.predictions[$0] }),
            let b = runs[other].id.flatMap({ snapshot?.predictions[$0] }),
            let dataset = datasets.first(where: { $0.domain == runs[runIndex].domain })
        else { return [] }
        return RunComparison.flips(a, b, dataset: dataset, mode: mode)
    }

    mutating func update(_ action: Action, context: ScreenContext) -> [Effect] {
        if case .nextFlip(let direction) = action {
            let flipped = Set(flips(context.snapshot, datasets: context.datasets).map(\.sessionID))
            guard !flipped.isEmpty else {
                return [
                    .notice(
                        otherRunIndex == nil ? "no run B: b puts one beside A" : "no session flipped between A and B")
                ]
            }
            let sessions = sessions(context.snapshot, datasets: context.datasets)
            for step in 1...max(1, sessions.count) {
                let index = ((sessionIndex + direction * step) % sessions.count + sessions.count) % sessions.count
                if flipped.contains(sessions[index].1.id) {
                    select(index, count: sessions.count)
                    break
                }
            }
            return []
        }
        apply(action, snapshot: context.snapshot, datasets: context.datasets)
        return []
    }

    private mutating func apply(_ action: Action, snapshot: WorkspaceSnapshot?, datasets: [Dataset]) {
        let sessions = sessions(snapshot, datasets: datasets)
        let runs = Self.runs(snapshot)
        switch action {
        case .move(let delta): select(sessionIndex + delta, count: sessions.count)
        case .first: select(0, count: sessions.count)
        case .last: select(sessions.count - 1, count: sessions.count)
        case .nextMiss(let direction):
            guard !sessions.isEmpty else { return }
            for step in 1...sessions.count {
                let index = (sessionIndex + direction * step + sessions.count * step) % sessions.count
                if answer(snapshot, runAt: runIndex, session: sessions[index].1)?.1?.isMiss ?? false {
                    select(index, count: sessions.count)
                    return
                }
            }
        case .cycleRun(let delta):
            guard !runs.isEmpty else { return }
            runIndex = (runIndex + delta + runs.count) % runs.count
            if otherRunIndex == runIndex || otherRunIndex.map({ runs[$0].domain != runs[runIndex].domain }) == true {
                otherRunIndex = nil
            }
            select(sessionIndex, count: self.sessions(snapshot, datasets: datasets).count)
        case .cycleOther:
            guard runIndex < runs.count else { return }
            let candidates = runs.indices.filter { $0 != runIndex && runs[$0].domain == runs[runIndex].domain }
            otherRunIndex = ([nil] + candidates).cycled(after: otherRunIndex)
        case .cycleMode: mode = mode == .paper ? .strict : .paper
        case .scroll(let delta): scroll = max(0, scroll + delta)
        case .editFilter: filter.isEditing = true
        case .clearFilter:
            filter.text = ""
            sessionIndex = 0
        case .typed(let key):
            filter.edit(key)
            sessionIndex = 0
        case .mouse(let event): scroll = max(0, scroll + event.wheel)  // the wheel scrolls; clicks do nothing
        case .nextFlip: break  // handled in update
        }
    }

    private mutating func select(_ index: Int, count: Int) {
        let new = count == 0 ? 0 : min(max(0, index), count - 1)
        if new != sessionIndex { scroll = 0 }
        sessionIndex = new
    }
}
