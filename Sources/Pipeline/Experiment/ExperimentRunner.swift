import Foundation

/// Runs experiment cells: samples training sessions, has the teacher extract the knowledge the
/// cell needs (resumable and cached), lets the student answer every test session with that
/// knowledge in context, and stores the predictions. Metrics are computed from the stored
/// predictions, so a run can be re-scored without any model call.
public final class ExperimentRunner: Sendable {
    let gateway: LLMGateway
    let builder: ICLPromptBuilder

    public init(gateway: LLMGateway, builder: ICLPromptBuilder = ICLPromptBuilder()) {
        self.gateway = gateway
        self.builder = builder
    }

    var workspace: Workspace { gateway.workspace }

    public func key(_ cell: ExperimentCell, dataset: Dataset, testCount: Int) -> String {
        "\(dataset.domain)|\(gateway.config.student.model)|\(cell.formatLabel)|\(cell.strategy.rawValue)|\(cell.ratio)|\(cell.method.rawValue)|\(cell.seed)|k\(builder.examples)-b\(builder.tokenBudget)|tests\(testCount)"
    }

    public func run(
        _ cell: ExperimentCell, dataset: Dataset, testLimit: Int? = nil,
        onEvent: @escaping @Sendable (ExperimentEvent) -> Void
    ) async throws -> RunRecord {
        let tests = Array(dataset.sessions(in: .test).prefix(testLimit ?? .max))
        let key = key(cell, dataset: dataset, testCount: tests.count)
        if let done = try workspace.run(key: key), done.status == .done {
            onEvent(.cellFinished(done, resumed: true))
            return done
        }
        let started = Date()
        let training = dataset.sessions(in: .train)
        // sft: the fine-tuned student answers zero-shot (its knowledge is in its weights);
        // icl and icl+sft: the knowledge goes into the prompt.
        let (knowledge, teacherTokens) =
            cell.method == .sft
            ? (KnowledgeContext(), 0)
            : try await knowledge(for: cell, dataset: dataset, onEvent: onEvent)
        let schema = try StageTemplates.load().propose.responseFormat
        let counter = Counter()
        let predictions = try await withThrowingTaskGroup(of: (Int, PredictionRecord, LLMGateway.Call).self) { group in
            for (index, session) in tests.enumerated() {
                group.addTask {
                    let messages = self.builder.messages(
                        for: session, in: dataset, knowledge: knowledge, training: training)
                    let call = try await self.gateway.chat(
                        .student, self.gateway.request(.student, messages, maxTokens: 300, responseFormat: schema))
                    var record = PredictionRecord(
                        id: nil, runId: 0, sessionId: session.id, rawText: call.response.text, bundles: nil,
                        parseError: nil, callId: call.callID)
                    do {
                        record.bundles = KnowledgeItem.json(try AnswerParser.bundles(in: call.response.text))
                    } catch let failure as ParseFailure {
                        record.parseError = failure.reason
                    }
                    onEvent(.sessionDone(done: counter.increment(), of: tests.count))
                    return (index, record, call)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted { $0.0 < $1.0 }
        }
        let run = RunRecord(
            id: nil, key: key, createdAt: Date(), domain: dataset.domain, student: gateway.config.student.model,
            formats: FormatSet(cell.formats), strategy: cell.strategy, ratio: cell.ratio, method: cell.method,
            seed: Int64(bitPattern: cell.seed), sessions: tests.count,
            studentPromptTokens: predictions.reduce(0) { $0 + ($1.2.response.usage?.promptTokens ?? 0) },
            studentCompletionTokens: predictions.reduce(0) { $0 + ($1.2.response.usage?.completionTokens ?? 0) },
            teacherTokens: teacherTokens, seconds: Date().timeIntervalSince(started), status: .done)
        let stored = try workspace.store(run, predictions: predictions.map(\.1))
        onEvent(.cellFinished(stored, resumed: false))
        return stored
    }

    /// The knowledge of the cell's formats from its sample (see `KnowledgeSelection`), after the
    /// teacher has extracted whatever rules and thoughts the sample still lacks. Returns it with
    /// the teacher tokens it cost.
    func knowledge(
        for cell: ExperimentCell, dataset: Dataset,
        onEvent: @escaping @Sendable (ExperimentEvent) -> Void
    ) async throws -> (KnowledgeContext, Int) {
        guard !cell.formats.isEmpty else { return (KnowledgeContext(), 0) }
        let sample = KnowledgeSelection.sample(dataset, strategy: cell.strategy, ratio: cell.ratio, seed: cell.seed)
        let teacherStages = cell.formats.filter { $0 != .pattern }
        if !teacherStages.isEmpty {
            _ = try await Extractor(gateway: gateway).run(
                stages: Array(teacherStages), datasets: [dataset], sample: sample
            ) { onEvent(.extraction($0)) }
        }
        let selection = KnowledgeSelection(
            formats: cell.formats, dataset: dataset, sample: sample,
            stored: teacherStages.isEmpty ? [] : try workspace.knowledge(domain: dataset.domain))
        return (selection.context, selection.teacherTokens)
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
