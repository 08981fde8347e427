import Foundation

/// Runs the teacher's progressive extraction — patterns, then rules by self-reflection, then
/// deep thoughts — over a sample of training sessions, storing every item with provenance.
///
/// Every unit of work is a step with a key (stage, domain, session, teacher model, template
/// hashes). A finished step is skipped on the next run, and its LLM calls are in the workspace
/// cache, so a killed run resumes with no duplicate items and no repeated HTTP calls.
public final class Extractor: Sendable {
    let gateway: LLMGateway
    let templates: StageTemplates
    let patternOptions: PatternOptions

    public init(
        gateway: LLMGateway, patternOptions: PatternOptions = PatternOptions()
    ) throws {
        self.gateway = gateway
        templates = try StageTemplates.load()
        self.patternOptions = patternOptions
    }

    var workspace: Workspace { gateway.workspace }
    var teacherModel: String { gateway.config.teacher.model }

    /// Extracts `stages` for the sessions in `sample` (datasets give the items and categories).
    public func run(
        stages: [KnowledgeFormat], datasets: [Dataset], sample: [SessionReference],
        onEvent: @escaping @Sendable (ExtractionEvent) -> Void
    ) async throws -> ExtractionSummary {
        let run = RunState(onEvent: onEvent)
        let byDomain = Dictionary(grouping: sample, by: \.domain)
        let domains = datasets.map(\.domain).filter { byDomain[$0] != nil }
        for stage in KnowledgeFormat.allCases where stages.contains(stage) {
            let total = stage == .pattern ? domains.count : sample.count + (stage == .rule ? domains.count : 0)
            run.startStage(stage, steps: total)
            for dataset in datasets where byDomain[dataset.domain] != nil {
                let sessions = byDomain[dataset.domain]!
                switch stage {
                case .pattern: try extractPatterns(dataset, run: run)
                case .rule:
                    try await forEach(sessions) { try await self.reflect(on: $0, in: dataset, run: run) }
                    try await consolidateRules(dataset, sessions: sessions, run: run)
                case .thought:
                    try await forEach(sessions) { try await self.think(about: $0, in: dataset, run: run) }
                }
            }
        }
        return run.summary
    }

    /// Runs per-session steps with as many in flight as the teacher endpoint allows.
    func forEach(
        _ sessions: [SessionReference], _ body: @escaping @Sendable (SessionReference) async throws -> Void
    ) async throws {
        let width = max(1, gateway.config.teacher.maxConcurrency)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = sessions.makeIterator()
            for _ in 0..<width { if let reference = next.next() { group.addTask { try await body(reference) } } }
            while try await group.next() != nil {
                if let reference = next.next() { group.addTask { try await body(reference) } }
            }
        }
    }

    // MARK: stage 1

    func extractPatterns(_ dataset: Dataset, run: RunState) throws {
        let optionsKey =
            "\(patternOptions.level.rawValue)-\(patternOptions.minSupport)-\(patternOptions.minConfidence)-\(patternOptions.minSize)-\(patternOptions.maxSize)"
        let key = "patterns/\(dataset.domain)/\(optionsKey)"
        if try workspace.step(key: key) != nil { return run.resumed(.pattern, session: nil) }
        let (transactions, _) = CategoryPatterns.transactions(dataset, options: patternOptions)
        guard transactions.items.count > 0 else {
            run.emit(.note("\(dataset.domain): no item has a category, so stage 1 (patterns) is skipped"))
            try workspace.complete(
                step(
                    key, stage: .pattern, domain: dataset.domain, session: nil, status: .skipped,
                    reason: "no categories"), items: [])
            return run.stepDone()
        }
        let report = try CategoryPatterns.mine(transactions, displayNames: transactions.labels, options: patternOptions)
        let (patterns, rules) = PatternText.lines(report, patternLimit: 40, ruleLimit: 20)
        let hash = "fp-growth:" + optionsKey
        let items = (patterns + rules).map { text in
            KnowledgeItem(
                id: nil, createdAt: Date(), format: .pattern, domain: dataset.domain, text: text, sessions: "[]",
                errors: "[]", teacherModel: "fp-growth (no LLM)", templateHash: hash, callIds: "[]",
                promptTokens: 0, completionTokens: 0, cost: 0)
        }
        run.emit(
            .itemParsed(
                .pattern, session: nil,
                summary: "\(patterns.count) patterns, \(rules.count) rules from \(transactions.count) bundles"))
        let stored = try workspace.complete(
            step(key, stage: .pattern, domain: dataset.domain, session: nil, status: .done), items: items)
        run.stored(stored)
    }

    // MARK: stage 2

    /// The teacher proposes bundles, sees how they compare with the ground truth, and states rules.
    func reflect(on reference: SessionReference, in dataset: Dataset, run: RunState) async throws {
        let hashes = templates.propose.hash.prefix(12) + "+" + templates.reflect.hash.prefix(12)
        let key = "rules/\(reference.key)/\(teacherModel)/\(hashes)"
        if let done = try workspace.step(key: key), done.status == .done {
            return run.resumed(.rule, session: reference.key)
        }
        let session = reference.session
        let products = SessionText.products(session, in: dataset)
        var conversation = [
            ChatMessage.user(templates.propose.render(["domain": dataset.domain, "products": products]))
        ]
        var calls: [LLMGateway.Call] = []
        do {
            let (proposal, proposalCalls) = try await ask(
                &conversation, template: templates.propose, stage: .rule,
                session: reference.key, run: run
            ) { try AnswerParser.bundles(in: $0) }
            calls += proposalCalls
            let truth = SessionText.positions(session)
            let judged = proposal.map {
                BundleErrors.categorize($0.items, sessionLength: session.itemIDs.count, groundTruth: truth).category
            }
            let feedback = zip(proposal, judged).enumerated().map { index, pair in
                "- bundle \(index + 1) (products \(pair.0.items.map(String.init).joined(separator: ", "))): \(pair.1.rawValue), \(pair.1.feedback)"
            }.joined(separator: "\n")
            run.emit(
                .itemParsed(
                    .rule, session: reference.key,
                    summary: "proposed \(proposal.count) bundles: \(judged.map(\.rawValue).joined(separator: ", "))"))
            conversation.append(
                .user(
                    templates.reflect.render([
                        "feedback": feedback, "ground_truth": SessionText.groundTruth(session),
                        "domain": dataset.domain,
                    ])))
            let (reflection, reflectionCalls) = try await ask(
                &conversation, template: templates.reflect, stage: .rule,
                session: reference.key, run: run
            ) { text -> [String] in
                guard let object = try AnswerParser.jsonValue(in: text) as? [String: Any],
                    let rules = (object["rules"] as? [Any])?.compactMap({ $0 as? String }).filter({ !$0.isEmpty }),
                    !rules.isEmpty
                else {
                    throw ParseFailure(reason: "expected {\"analysis\": …, \"rules\": [\"…\"]}")
                }
                return rules
            }
            calls += reflectionCalls
            let errorRate = Double(judged.filter { $0 != .exact }.count) / Double(max(1, judged.count))
            let output = SessionRules(rules: reflection, errors: judged.map(\.rawValue), errorRate: errorRate)
            run.emit(.itemParsed(.rule, session: reference.key, summary: "\(reflection.count) rules"))
            try workspace.complete(
                step(
                    key, stage: .rule, domain: dataset.domain, session: session.id, status: .done,
                    output: KnowledgeItem.json(output), calls: calls), items: [])
            run.stepDone()
        } catch let failure as StepFailure {
            try recordFailure(
                key, stage: .rule, dataset: dataset, reference: reference, failure: failure,
                calls: calls + failure.calls, run: run)
        }
    }

    /// "3. Keep …" → "Keep …": the list is renumbered by the store.
    static func withoutNumbering(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let range = trimmed.range(of: #"^\d+[.)]\s*"#, options: .regularExpression) else { return trimmed }
        return String(trimmed[range.upperBound...])
    }

    // MARK: stage 3

    func think(about reference: SessionReference, in dataset: Dataset, run: RunState) async throws {
        let key = "thoughts/\(reference.key)/\(teacherModel)/\(templates.thought.hash.prefix(12))"
        if try workspace.step(key: key)?.status == .done { return run.resumed(.thought, session: reference.key) }
        let prompt = templates.thought.render([
            "domain": dataset.domain, "products": SessionText.products(reference.session, in: dataset),
            "ground_truth": SessionText.groundTruth(reference.session),
        ])
        let call = try await send(
            [.user(prompt)], format: nil, maxTokens: 300, stage: .thought, session: reference.key, run: run)
        let text = call.response.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            let failure = StepFailure(
                reason: "the teacher returned an empty thought", raw: call.response.text, calls: [call])
            return try recordFailure(
                key, stage: .thought, dataset: dataset, reference: reference, failure: failure, calls: [call], run: run)
        }
        let usage = Self.tokens([call])
        let item = KnowledgeItem(
            id: nil, createdAt: Date(), format: .thought, domain: dataset.domain, text: text,
            sessions: KnowledgeItem.json([reference.key]), errors: "[]", teacherModel: teacherModel,
            templateHash: templates.thought.hash, callIds: KnowledgeItem.json([call.callID]),
            promptTokens: usage.prompt, completionTokens: usage.completion, cost: cost(usage))
        let stored = try workspace.complete(
            step(
                key, stage: .thought, domain: dataset.domain, session: reference.session.id, status: .done,
                calls: [call]),
            items: [item])
        run.stored(stored)
    }
}
