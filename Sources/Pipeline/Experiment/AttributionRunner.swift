import Foundation

/// Attribution by ablation, the effectful half: re-asks the student for each of a run's test
/// sessions with one unit of its knowledge left out at a time, and stores every answer as it
/// arrives — so a killed attribution resumes where it stopped, and since every call goes through
/// the workspace cache, a finished one reruns without a model call.
public struct AttributionRunner: Sendable {
    /// Runs the cell's student (a fine-tuned one's runner for icl+sft).
    let runner: ExperimentRunner

    public init(runner: ExperimentRunner) { self.runner = runner }

    /// Ablates `run` over its first `sessions` test sessions (all by default); at most
    /// `maxUnits` units (see `Attribution.units`). Returns the effects in prompt order.
    public func attribute(
        _ run: RunRecord, dataset: Dataset, sessions limit: Int? = nil, maxUnits: Int = 24,
        knowledgeSources: [Dataset] = [], mode: ScoringMode = .paper,
        onEvent: @escaping @Sendable (ExperimentEvent) -> Void
    ) async throws -> [KnowledgeEffect] {
        let workspace = runner.workspace
        guard let runID = run.id else { throw Self.problem(run, "is not stored") }
        guard run.method.takesKnowledgeInPrompt, !run.isZeroShot else {
            throw Self.problem(run, "has no knowledge in its prompt (\(run.label)); attribute an icl or icl+sft run")
        }
        let cell = run.cell
        let (knowledge, _) = try await runner.knowledge(
            for: cell, dataset: dataset, sources: knowledgeSources, onEvent: onEvent)
        let units = Attribution.units(knowledge.pieces(shownBy: runner.builder), maxUnits: maxUnits)
        guard !units.isEmpty else { throw Self.problem(run, "has an empty knowledge prompt: nothing to leave out") }
        let tests = Array(dataset.sessions(in: .test).prefix(min(run.sessions, limit ?? .max)))
        let answers = Dictionary(
            try workspace.predictions(run: runID).map { ($0.sessionId, $0) }, uniquingKeysWith: { a, _ in a })
        let full = try runner.answerer(cell, dataset: dataset, knowledge: knowledge)
        let done = Set(try workspace.ablations(run: runID).map { "\($0.unit)|\($0.sessionId)" })
        let total = units.count * tests.count
        let counter = Counter()
        // One unit at a time (its sessions concurrently), so a stopped attribution holds whole
        // units and the screen can show each unit's effect as soon as it is measured.
        for (position, unit) in units.enumerated() {
            let without = try runner.answerer(cell, dataset: dataset, knowledge: knowledge.leavingOut(unit.pieces))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for session in tests {
                    guard !done.contains("\(unit.key)|\(session.id)") else {
                        onEvent(.sessionDone(done: counter.increment(), of: total))
                        continue
                    }
                    group.addTask {
                        var record = AblationRecord(
                            id: nil, runId: runID, unit: unit.key, position: position,
                            pieces: KnowledgeItem.json(unit.pieces), sessionId: session.id, rawText: "", bundles: nil,
                            parseError: nil, callIds: "[]")
                        if let stored = answers[session.id], without.messages(session) == full.messages(session) {
                            // The unit is not in this session's prompt (a thought of another neighbour).
                            (record.rawText, record.bundles, record.parseError) =
                                (stored.rawText, stored.bundles, stored.parseError)
                        } else {
                            let answer = try await without.answer(session)
                            let parsed = Answerer.parsed(answer.text)
                            (record.rawText, record.bundles, record.parseError) =
                                (answer.text, parsed.bundles, parsed.parseError)
                            record.callIds = KnowledgeItem.json(answer.callIDs)
                        }
                        try workspace.store(record)
                        onEvent(.sessionDone(done: counter.increment(), of: total))
                    }
                }
                try await group.waitForAll()
            }
        }
        return try AttributionReport.build(workspace: workspace, run: run, dataset: dataset, mode: mode).effects
    }

    static func problem(_ run: RunRecord, _ text: String) -> DataError {
        DataError(file: "--run", field: "run \(run.id ?? 0)", "run \(run.id ?? 0) \(text)")
    }
}

/// The stored attribution of one run, scored: each unit's effect, from the run's answers and the
/// stored ablations (no model call). Pure over what the workspace holds.
public struct AttributionReport: Sendable {
    public let run: RunRecord
    public let mode: ScoringMode
    /// In prompt order.
    public let effects: [KnowledgeEffect]

    public static func build(
        workspace: Workspace, run: RunRecord, dataset: Dataset, mode: ScoringMode
    ) throws -> AttributionReport {
        guard let runID = run.id else { return AttributionReport(run: run, mode: mode, effects: []) }
        let with = try workspace.predictions(run: runID).compactMap { row in
            dataset.session(id: row.sessionId).map { SessionPrediction(session: $0, bundles: row.parsedBundles) }
        }
        var order: [(position: Int, key: String)] = []
        var units: [String: AttributionUnit] = [:]
        var without: [String: [String: SessionPrediction]] = [:]
        for row in try workspace.ablations(run: runID) {
            guard let session = dataset.session(id: row.sessionId) else { continue }
            if units[row.unit] == nil {
                order.append((row.position, row.unit))
                units[row.unit] = AttributionUnit(row.pieceList)
            }
            without[row.unit, default: [:]][row.sessionId] = SessionPrediction(
                session: session, bundles: row.parsedBundles)
        }
        let effects = order.sorted { $0.position < $1.position }.map(\.key).map { key in
            Attribution.effect(of: units[key]!, with: with, without: without[key] ?? [:], mode: mode)
        }
        return AttributionReport(run: run, mode: mode, effects: effects)
    }

    /// The effect of `piece` when it was measured alone.
    public func effect(of piece: KnowledgePiece) -> KnowledgeEffect? {
        effects.first { $0.unit.pieces == [piece] }
    }
}

extension AttributionReport {
    /// How a unit is named: the stored items its texts are ("rule 7"), else the format and the
    /// text's start (a curated set's edited or added entry).
    public static func label(_ unit: AttributionUnit, items: [KnowledgeItem]) -> String {
        unit.pieces.map { piece in
            items.first { $0.format == piece.format && $0.text == piece.text }.map {
                "\($0.format.rawValue) \($0.id ?? 0)"
            } ?? "\(piece.format.rawValue) “\(piece.text.collapsedWhitespace.prefix(24))…”"
        }.joined(separator: " + ")
    }

    /// The effects as a Markdown table, sorted as given, with each unit's text.
    public func markdown(items: [KnowledgeItem], effects: [KnowledgeEffect]? = nil) -> String {
        func ci(_ delta: KnowledgeEffect.Delta) -> String {
            "\(KnowledgeEffect.signed(delta.mean)) [\(KnowledgeEffect.signed(delta.ci.low)), "
                + "\(KnowledgeEffect.signed(delta.ci.high))]"
        }
        let header = """
            Attribution of run \(run.id ?? 0) (\(run.label)), \(mode.rawValue) mode: each unit left out of the \
            prompt in turn; Δ = with − without over the sessions both answers were scored in, 95% paired \
            bootstrap CIs (1,000 resamples).

            Δintent is the ROUGE-L F1 of the hit bundles' intents against the ground truth's, over the sessions \
            with hits both ways (n).

            | unit | text | sessions | helped | hurt | unchanged | Δprecision [95% CI] | Δrecall [95% CI] | Δcoverage [95% CI] | Δintent [95% CI] (n) |
            |---|---|---|---|---|---|---|---|---|---|
            """
        let rows = (effects ?? self.effects).map { effect in
            let text = effect.unit.pieces.map(\.text.collapsedWhitespace).joined(separator: " / ")
                .replacingOccurrences(of: "|", with: "\\|")
            return "| \(Self.label(effect.unit, items: items)) | \(text.prefix(90)) | \(effect.sessions) | "
                + "\(effect.helped) | \(effect.hurt) | \(effect.unchanged) | \(ci(effect.precision)) | "
                + "\(ci(effect.recall)) | \(ci(effect.coverage)) | \(ci(effect.intent)) (\(effect.intentSessions)) |"
        }
        return ([header] + rows).joined(separator: "\n")
    }
}
