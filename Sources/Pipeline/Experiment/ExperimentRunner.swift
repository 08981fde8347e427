import Foundation

/// Runs experiment cells: samples training sessions, has the teacher extract the knowledge the
/// cell needs (resumable and cached), lets the student answer every test session with that
/// knowledge in context, and stores the predictions. Metrics are computed from the stored
/// predictions, so a run can be re-scored without any model call.
public final class ExperimentRunner: Sendable {
    let gateway: LLMGateway
    let builder: ICLPromptBuilder
    /// The server of a fine-tuned student, which the gateway's configuration does not list.
    let studentServer: WorkspaceConfig.LocalServer?
    /// The student was trained to reason before its answer (on thoughts): it is served without
    /// the JSON grammar, so it can emit what it learned, and parsed from its "Answer:".
    let studentReasons: Bool

    public init(
        gateway: LLMGateway, builder: ICLPromptBuilder = ICLPromptBuilder(),
        studentServer: WorkspaceConfig.LocalServer? = nil, studentReasons: Bool = false
    ) {
        self.gateway = gateway
        self.builder = builder
        self.studentServer = studentServer
        self.studentReasons = studentReasons
    }

    /// The local server that answers for `role` in this runner's cells, when one does.
    func localServer(for role: LLMRole) -> WorkspaceConfig.LocalServer? {
        role == .student
            ? studentServer ?? gateway.config.localServer(for: role) : gateway.config.localServer(for: role)
    }

    var workspace: Workspace { gateway.workspace }

    /// The model that answers `cell`'s sessions (none for a baseline).
    func model(_ cell: ExperimentCell) -> String {
        cell.method.isBaseline ? UtilisationMethod.noModel : gateway.config.endpoint(cell.method.answeringRole).model
    }

    public func key(
        _ cell: ExperimentCell, dataset: Dataset, testCount: Int, tests: TestSessions = .all
    ) -> String {
        [
            dataset.domain, model(cell), cell.formatLabel,
            cell.strategy.rawValue, "\(cell.ratio)", cell.method.rawValue, "\(cell.seed)",
            "k\(builder.examples)-b\(builder.tokenBudget)", "tests\(testCount)",
        ].joined(separator: "|")
            + (cell.knowledgeDomains.map { "|from:" + $0.joined(separator: ",") } ?? "")
            + (cell.knowledgeSet.map { "|set:" + $0 } ?? "")
            + (tests.label.map { "|sessions:" + $0 } ?? "")
            + (cell.formatLine != .standard ? "|line:" + cell.formatLine.rawValue : "")
            + (cell.round > 0 ? "|round\(cell.round)" : "")
    }

    /// `key` with the knowledge fingerprint before the round, which stays last (`RunRecord.cellKey`).
    static func keyed(_ key: String, knowledge: String, round: Int) -> String {
        let suffix = round > 0 ? "|round\(round)" : ""
        return String(key.dropLast(suffix.count)) + "|knowledge:" + knowledge + suffix
    }

    /// The first `testLimit` test sessions (all without one): what `--limit` runs.
    public func run(
        _ cell: ExperimentCell, dataset: Dataset, testLimit: Int?, knowledgeSources: [Dataset] = [],
        onEvent: @escaping @Sendable (ExperimentEvent) -> Void
    ) async throws -> RunRecord {
        try await run(
            cell, dataset: dataset, tests: testLimit.map(TestSessions.first) ?? .all,
            knowledgeSources: knowledgeSources, onEvent: onEvent)
    }

    /// `knowledgeSources` are the datasets a cell with `knowledgeDomains` pools its knowledge from.
    public func run(
        _ cell: ExperimentCell, dataset: Dataset, tests selection: TestSessions = .all,
        knowledgeSources: [Dataset] = [], onEvent: @escaping @Sendable (ExperimentEvent) -> Void
    ) async throws -> RunRecord {
        let cell = try pinned(cell)
        let tests = try selection.select(from: dataset)
        var key = key(cell, dataset: dataset, testCount: tests.count, tests: selection)
        let started = Date()
        if let rule = cell.method.baseline {
            if let done = try workspace.run(key: key), done.status == .done {
                onEvent(.cellFinished(done, resumed: true))
                return done
            }
            return try runBaseline(
                rule, cell: cell, dataset: dataset, tests: tests, key: key, testSet: selection.label, started: started,
                onEvent: onEvent)
        }
        // icl and icl+sft: the knowledge goes into the prompt; sft: the fine-tuned student
        // answers zero-shot (its knowledge is in its weights); teacher and aicl use none. The
        // knowledge comes first (resumed steps cost no call) so its fingerprint is in the key:
        // new knowledge for the same cell is a new run, not the old answers resumed.
        let (knowledge, distillation) =
            cell.method.takesKnowledgeInPrompt
            ? try await self.knowledge(for: cell, dataset: dataset, sources: knowledgeSources, onEvent: onEvent)
            : (KnowledgeContext(), Distillation())
        if !knowledge.isEmpty { key = Self.keyed(key, knowledge: knowledge.fingerprint, round: cell.round) }
        if let done = try workspace.run(key: key), done.status == .done {
            onEvent(.cellFinished(done, resumed: true))
            return done
        }
        let role = cell.method.answeringRole
        LocalServer.resetPeak(localServer(for: role))
        let answerer = try self.answerer(cell, dataset: dataset, knowledge: knowledge)
        let counter = Counter()
        let predictions = try await withThrowingTaskGroup(of: (Int, PredictionRecord, SessionAnswer).self) { group in
            for (index, session) in tests.enumerated() {
                group.addTask {
                    let answer = try await answerer.answer(session, round: cell.round)
                    let parsed = Answerer.parsed(answer.text)
                    let record = PredictionRecord(
                        id: nil, runId: 0, sessionId: session.id, rawText: answer.text, bundles: parsed.bundles,
                        parseError: parsed.parseError, callId: answer.callIDs.last,
                        callIds: KnowledgeItem.json(answer.callIDs))
                    onEvent(.sessionDone(done: counter.increment(), of: tests.count))
                    return (index, record, answer)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted { $0.0 < $1.0 }
        }
        let footprint = LocalServer.footprint(localServer(for: role))
        let run = RunRecord(
            id: nil, key: key, createdAt: Date(), domain: dataset.domain,
            student: model(cell), formats: FormatSet(cell.formats), strategy: cell.strategy,
            ratio: cell.ratio, method: cell.method, seed: Int64(bitPattern: cell.seed), sessions: tests.count,
            studentPromptTokens: predictions.reduce(0) { $0 + $1.2.promptTokens },
            studentCompletionTokens: predictions.reduce(0) { $0 + $1.2.completionTokens },
            teacherTokens: distillation.tokens, seconds: Date().timeIntervalSince(started), status: .done,
            teacherSeconds: distillation.seconds, modelBytes: footprint.modelBytes,
            peakResidentBytes: footprint.peakResidentBytes,
            knowledgeDomains: cell.knowledgeDomains?.joined(separator: ","), knowledgeSet: cell.knowledgeSet,
            testSet: selection.label, round: cell.round, formatLine: cell.formatLine,
            shortenedPrompts: predictions.filter(\.2.shortened).count)
        let stored = try workspace.store(run, predictions: predictions.map(\.1))
        onEvent(.cellFinished(stored, resumed: false))
        return stored
    }

    /// A no-model baseline: each session's answer from `rule`, stored like a model's answers
    /// (its raw text the answer as JSON), with no tokens and no calls.
    func runBaseline(
        _ rule: BaselineRule, cell: ExperimentCell, dataset: Dataset, tests: [Session], key: String, testSet: String?,
        started: Date, onEvent: @escaping @Sendable (ExperimentEvent) -> Void
    ) throws -> RunRecord {
        let support =
            rule.usesSample
            ? CategoryPairSupport(
                sessions: try cell.sample(dataset, workspace: workspace).map(\.session), in: dataset)
            : nil
        let predictions = tests.map { session in
            let bundles = [ParsedBundle(items: rule.answer(session, in: dataset, seed: cell.seed, support: support))]
            return PredictionRecord(
                id: nil, runId: 0, sessionId: session.id, rawText: BundleAnswer.json(bundles),
                bundles: KnowledgeItem.json(bundles), parseError: nil, callId: nil, callIds: nil)
        }
        let run = RunRecord(
            id: nil, key: key, createdAt: Date(), domain: dataset.domain, student: UtilisationMethod.noModel,
            formats: FormatSet(cell.formats), strategy: cell.strategy, ratio: cell.ratio, method: cell.method,
            seed: Int64(bitPattern: cell.seed), sessions: tests.count, studentPromptTokens: 0,
            studentCompletionTokens: 0, teacherTokens: 0, seconds: Date().timeIntervalSince(started), status: .done,
            testSet: testSet, round: cell.round)
        let stored = try workspace.store(run, predictions: predictions)
        onEvent(.cellFinished(stored, resumed: false))
        return stored
    }

    /// Who answers the cell's test sessions with `knowledge` in their prompts.
    func answerer(_ cell: ExperimentCell, dataset: Dataset, knowledge: KnowledgeContext) throws -> Answerer {
        var builder = builder
        builder.formatLine = cell.formatLine
        var answerer = Answerer(
            gateway: gateway, role: cell.method.answeringRole, dataset: dataset, builder: builder,
            knowledge: knowledge, templates: try StageTemplates.load(),
            constrained: !(studentReasons && cell.method.answeringRole == .student), aicl: cell.method == .aicl)
        answerer.slotTokens = localServer(for: cell.method.answeringRole)?.contextPerSlot
        return answerer
    }

    /// The knowledge of the cell's formats from its sample (see `KnowledgeSelection`), after the
    /// teacher has extracted whatever rules and thoughts the sample still lacks — from each of
    /// the cell's knowledge domains when it pools them (patterns and rules pool; thoughts are
    /// worked examples of the test domain's neighbours, so only its own are used). Returns it with
    /// what the teacher spent distilling it (tokens, and seconds from the call log).
    func knowledge(
        for cell: ExperimentCell, dataset: Dataset, sources: [Dataset] = [],
        onEvent: @escaping @Sendable (ExperimentEvent) -> Void
    ) async throws -> (KnowledgeContext, Distillation) {
        guard !cell.formats.isEmpty else { return (KnowledgeContext(), Distillation()) }
        var context = KnowledgeContext()
        var tokens = 0
        var calls: Set<Int64> = []
        for domain in cell.knowledgeDomains ?? [dataset.domain] {
            guard let source = domain == dataset.domain ? dataset : sources.first(where: { $0.domain == domain }) else {
                throw DataError(
                    file: "--knowledge-domains", field: "domain",
                    "no domain '\(domain)' in the data (found: "
                        + ([dataset] + sources.filter { $0.domain != dataset.domain }).map(\.domain)
                        .joined(separator: ", ") + ")"
                )
            }
            let sample = try cell.sample(source, workspace: workspace)
            let teacherStages = cell.formats.filter { $0 != .pattern }
            if !teacherStages.isEmpty {
                _ = try await Extractor(gateway: gateway).run(
                    stages: Array(teacherStages), datasets: [source], sample: sample
                ) { onEvent(.extraction($0)) }
            }
            let selection = KnowledgeSelection(
                formats: domain == dataset.domain ? cell.formats : cell.formats.subtracting([.thought]),
                dataset: source, sample: sample,
                stored: teacherStages.isEmpty ? [] : try workspace.knowledge(domain: source.domain),
                teacherModel: gateway.config.teacher.model)
            context.patterns += selection.context.patterns
            context.rules += selection.context.rules
            context.thoughts.merge(selection.context.thoughts) { first, _ in first }
            tokens += selection.teacherTokens
            calls.formUnion(selection.teacherCallIDs)
        }
        if cell.knowledgeSet != nil { context = try curated(context, cell: cell) }
        let seconds = try workspace.calls(ids: calls).reduce(0) { $0 + $1.latencyMs } / 1000
        return (context, Distillation(tokens: tokens, seconds: seconds))
    }

    /// The cell with its knowledge set named by version ("name" → "name@3", the latest), so
    /// a later version of the set is a new cell rather than a resumed one.
    func pinned(_ cell: ExperimentCell) throws -> ExperimentCell {
        guard let reference = cell.knowledgeSet else { return cell }
        var cell = cell
        cell.knowledgeSet = try workspace.requireKnowledgeSet(reference).reference
        return cell
    }

    /// `context` with the formats the curated set holds replaced by its enabled entries (the
    /// teacher's cost stays: the set was edited from that knowledge).
    func curated(_ context: KnowledgeContext, cell: ExperimentCell) throws -> KnowledgeContext {
        let entries = try pinned(cell).knowledgeSet.flatMap { try workspace.knowledgeSet($0) }?.entryList ?? []
        return context.curated(by: entries, formats: cell.formats)
    }
}

/// A thread-safe counter for progress from concurrent tasks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int {
        lock.withLock {
            value += 1; return value
        }
    }
}
