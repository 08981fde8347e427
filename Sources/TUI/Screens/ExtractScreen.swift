import Foundation
import Pipeline

/// The Extract screen: choose stages and quantity, start the teacher, and watch every call —
/// its prompt, the tokens as they stream, the parsed result — with running totals.
public struct ExtractScreen: Sendable {
    /// One teacher call (or a resumed step) as it happened.
    public struct Call: Sendable {
        public enum Status: Sendable, Equatable { case streaming, parsed(String), failed(String), resumed }
        public let stage: KnowledgeFormat
        public let session: String?
        public var prompt: String
        public var text = ""
        public var status = Status.streaming
    }

    public static let ratios = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
    /// How many sampled sessions to extract from; nil is the whole sample.
    public static let limits: [Int?] = [2, 5, 10, 20, nil]

    public var stages: Set<KnowledgeFormat> = Set(KnowledgeFormat.allCases)
    public var strategy = SamplingStrategy.random
    public var ratioIndex = 3
    public var limitIndex = 0
    public private(set) var calls: [Call] = []
    public var list = ListState()
    /// Keep the newest call selected while work streams in.
    public var follow = true
    public var showPrompt = false
    public var detailScroll: Int?
    public private(set) var progress: ExtractionProgress?
    public private(set) var notes: [String] = []
    /// The teacher's endpoint, whose prices give the running cost.
    public var teacher = EndpointConfig(baseURLs: [], model: "")

    public init() {}

    public var ratio: Double { Self.ratios[ratioIndex] }
    public var limit: Int? { Self.limits[limitIndex] }
    public var plan: SamplePlan { SamplePlan(strategy: strategy, ratio: ratio, limit: limit) }
    public var selectedCall: Call? { list.selected < calls.count ? calls[list.selected] : nil }

    // MARK: keys

    public enum Action: Sendable {
        case toggle(KnowledgeFormat), cycleStrategy, ratio(Int), cycleLimit, start, pause
        case move(Int), first, last, follow, togglePrompt, scroll(Int)
        case typed(Key), mouse(MouseEvent)
    }

    public static let bindings: [KeyBinding<Action>] = [
        KeyBinding([.char("p")], "p r t", "toggle the patterns / rules / thoughts stage", .toggle(.pattern)),
        KeyBinding([.char("r")], "", "", .toggle(.rule)),
        KeyBinding([.char("t")], "", "", .toggle(.thought)),
        KeyBinding([.char("s")], "s", "sampling strategy: random, length, diversity, difficulty", .cycleStrategy),
        KeyBinding([.char("+")], "+ -", "sampling ratio up / down", .ratio(1)),
        KeyBinding([.char("-")], "", "", .ratio(-1)),
        KeyBinding([.char("n")], "n", "how many sampled sessions: 2, 5, 10, 20, all", .cycleLimit),
        KeyBinding([.enter], "Enter", "start the teacher", .start),
        KeyBinding([.char(" ")], "Space", "pause / resume (calls in flight finish)", .pause),
        KeyBinding([.up, .char("k")], "↑ ↓  j k", "select a call (stops following)", .move(-1)),
        KeyBinding([.down, .char("j")], "", "", .move(1)),
        KeyBinding([.home, .char("g")], "g G", "first / last call", .first),
        KeyBinding([.end, .char("G")], "", "", .last),
        KeyBinding([.char("f")], "f", "follow the newest call", .follow),
        KeyBinding([.char("c")], "c", "show / collapse the prompt", .togglePrompt),
        KeyBinding([.char("J"), .pageDown], "J K  PgDn PgUp", "scroll the call's text", .scroll(3)),
        KeyBinding([.char("K"), .pageUp], "", "", .scroll(-3)),
    ]

    mutating func update(_ action: Action, context: ScreenContext) -> [Effect] {
        if case .mouse(let event) = action {
            return mouse(event, layout: ExtractLayout(width: context.width, height: context.height), context)
        }
        return apply(action, working: context.work)
    }

    /// The wheel scrolls the call under the pointer, or moves through the calls; a click selects one.
    private mutating func mouse(_ event: MouseEvent, layout: ExtractLayout, _ context: ScreenContext) -> [Effect] {
        let wheel = event.wheel
        if wheel != 0 {
            return update(
                layout.detail.contains(x: event.x, y: event.y) ? .scroll(wheel) : .move(wheel), context: context)
        }
        guard event.kind == .press,
            let row = list.row(atY: event.y, x: event.x, in: layout.callRows, count: calls.count)
        else { return [] }
        return update(.move(row - list.selected), context: context)
    }

    private mutating func apply(_ action: Action, working: WorkState?) -> [Effect] {
        switch action {
        case .toggle(let stage):
            stages.toggle(stage)
        case .cycleStrategy:
            strategy = strategy.next
        case .ratio(let delta): ratioIndex = min(max(0, ratioIndex + delta), Self.ratios.count - 1)
        case .cycleLimit: limitIndex = (limitIndex + 1) % Self.limits.count
        case .start:
            guard working == nil, !stages.isEmpty else { return [] }
            return [.startExtraction(stages: KnowledgeFormat.allCases.filter(stages.contains), plan: plan)]
        case .pause:
            guard let working else { return [] }
            return [.setPaused(!working.paused)]
        case .move(let delta): select(list.selected + delta)
        case .first: select(0)
        case .last: select(calls.count - 1); follow = true
        case .follow:
            follow = true
            select(calls.count - 1)
        case .togglePrompt: showPrompt.toggle()
        case .scroll(let delta): detailScroll = max(0, (detailScroll ?? 0) + delta)
        case .typed, .mouse: break  // no filter here; the mouse is handled in update
        }
        return []
    }

    private mutating func select(_ index: Int) {
        let before = list.selected
        list.select(index, count: calls.count)
        follow = list.selected == calls.count - 1 && follow
        if before != list.selected { detailScroll = nil }
    }

    // MARK: events

    mutating func started() {
        calls = []
        notes = []
        progress = nil
        list = ListState()
        follow = true
        detailScroll = nil
    }

    mutating func handle(_ event: ExtractionEvent) {
        switch event {
        case .stageStarted(let stage, let steps): notes.append("\(stage.stageName): \(steps) steps")
        case .promptSent(let stage, let session, let prompt):
            append(Call(stage: stage, session: session, prompt: prompt))
        case .tokens(let stage, let session, let text):
            if let index = latest(stage, session, streamingOnly: true) { calls[index].text += text }
        case .itemParsed(let stage, let session, let summary):
            if let index = latest(stage, session, streamingOnly: true) { calls[index].status = .parsed(summary) }
        case .stepResumed(let stage, let session):
            append(Call(stage: stage, session: session, prompt: "", text: "", status: .resumed))
        case .stepFailed(let stage, let session, let reason):
            if let index = latest(stage, session, streamingOnly: false) {
                calls[index].status = .failed(reason)
            } else {
                append(Call(stage: stage, session: session, prompt: "", status: .failed(reason)))
            }
        case .note(let text): notes.append(text)
        case .progress(let value): progress = value
        case .itemStored: break
        }
    }

    private mutating func append(_ call: Call) {
        calls.append(call)
        if follow { list.select(calls.count - 1, count: calls.count); detailScroll = nil }
    }

    private func latest(_ stage: KnowledgeFormat, _ session: String?, streamingOnly: Bool) -> Int? {
        calls.indices.last {
            calls[$0].stage == stage && calls[$0].session == session
                && (!streamingOnly || calls[$0].status == .streaming)
        }
    }

    /// The running totals: steps, calls, cache hits, tokens, tokens/s, items, cost (when the
    /// teacher has a price) and time, short enough for an 80-column status line.
    var totals: String {
        guard let p = progress else { return "no extraction yet: choose stages and quantity, then Enter" }
        let cost = teacher.cost(promptTokens: p.promptTokens, completionTokens: p.completionTokens)
        return [
            "\(p.stage.stageName) step \(p.stepsDone)/\(p.stepsTotal)",
            "\(counted(p.calls, "call")) (\(p.cacheHits) cached)",
            "\(p.promptTokens)+\(p.completionTokens) tok", String(format: "%.0f tok/s", p.tokensPerSecond),
            counted(p.itemsStored, "item"), cost > 0 ? String(format: "$%.4f", cost) : nil,
            String(format: "%.1f s", p.elapsed),
        ].compactMap { $0 }.joined(separator: " · ")
    }
}
