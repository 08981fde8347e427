import Foundation

/// Stage 2's consolidation: the sample's per-session rules merged into one ranked list.
///
/// The rules are read in *sample order*: each chunk of `consolidationChunk` sessions is merged by
/// one teacher call, keyed by its listing, and the chunks' rules are then pooled symbolically —
/// the same rule from several chunks becomes one with all their sessions — and ranked by how many
/// sample sessions support each. Nested samples (0.05 ⊂ 0.1 ⊂ 0.2, one seed) share their leading
/// chunks, so a larger ratio reuses the smaller ones' calls and adds its own chunks' rules (a fixed
/// cap of 30 rules gave 0.05, 0.1 and 0.2 the same rules). Why not a second teacher merge of the
/// chunks' lists: measured on DICL with the 1.5B teacher, it folded the 0.05 sample's three chunk
/// rules into one ("A bundle should include at least two products…"), so every ratio would get
/// one rule and quantity could not grow; pooling costs no call and keeps what each chunk found.
extension Extractor {
    /// Sessions whose rules one first-level merge call reads (about 30 rules, inside a small context).
    static let consolidationChunk = 10
    /// The rules a consolidated list keeps; the prompt and the schema say the same number.
    static let maxRules = 10

    /// A rule and the sample sessions, error categories and calls behind it.
    struct SourcedRule: Codable, Equatable {
        var rule: String
        var sessions: [String]
        var errors: [String]
        var calls: [Int64]
    }

    /// What identifies a sample's consolidation: its session keys in order, under the name of the
    /// pooled consolidation ("sample:" lists came from the second teacher merge and are no longer
    /// selected, so an old workspace re-consolidates instead of mixing both).
    public static func sampleKey(_ sessions: [SessionReference]) -> String {
        "pooled-sample:" + SHA256.hex(Data(sessions.map(\.key).joined(separator: "\n").utf8)).prefix(16)
    }

    func consolidateRules(_ dataset: Dataset, sessions: [SessionReference], run: RunState) async throws {
        let sample = Self.sampleKey(sessions)
        let key = "consolidate/\(dataset.domain)/\(teacherModel)/\(templates.consolidate.hash.prefix(12))/\(sample)"
        if try workspace.step(key: key)?.status == .done { return run.resumed(.rule, session: nil) }
        // Only this teacher's rules from these templates: the step keys say both.
        let hashes = templates.propose.hash.prefix(12) + "+" + templates.reflect.hash.prefix(12)
        var perSession: [[SourcedRule]] = []
        for reference in sessions {
            guard let step = try workspace.step(key: "rules/\(reference.key)/\(teacherModel)/\(hashes)"),
                step.status == .done, let rules = step.sessionRules
            else { continue }
            let calls = (try? JSONDecoder().decode([Int64].self, from: Data(step.callIds.utf8))) ?? []
            perSession.append(
                rules.rules.map { SourcedRule(rule: $0, sessions: [reference.key], errors: rules.errors, calls: calls) }
            )
        }
        guard !perSession.isEmpty else {
            run.emit(.note("\(dataset.domain): no session produced rules, nothing to consolidate"))
            return run.stepDone()
        }
        do {
            var chunks: [SourcedRule] = []
            var allCalls: [LLMGateway.Call] = []
            for start in stride(from: 0, to: perSession.count, by: Self.consolidationChunk) {
                let inputs = Array(perSession[start..<min(start + Self.consolidationChunk, perSession.count)].joined())
                let (merged, calls) = try await merge(inputs, dataset: dataset, run: run)
                chunks += merged
                allCalls += calls
            }
            let ranked = Self.ranked(chunks).prefix(Self.maxRules)
            let usage = Self.tokens(allCalls)
            let items = ranked.enumerated().map { index, rule in
                KnowledgeItem(
                    id: nil, createdAt: Date(), format: .rule, domain: dataset.domain,
                    text: "\(index + 1). \(Self.withoutNumbering(rule.rule))",
                    sessions: KnowledgeItem.json(rule.sessions),
                    errors: KnowledgeItem.json(rule.errors), teacherModel: teacherModel,
                    templateHash: templates.consolidate.hash,
                    callIds: KnowledgeItem.json(allCalls.map(\.callID) + rule.calls),
                    promptTokens: usage.prompt, completionTokens: usage.completion, cost: cost(usage), sampleKey: sample
                )
            }
            let stored = try workspace.complete(
                step(key, stage: .rule, domain: dataset.domain, session: nil, status: .done, calls: allCalls),
                items: items)
            run.stored(stored)
        } catch let failure as StepFailure {
            try recordFailure(
                key, stage: .rule, dataset: dataset, reference: nil, failure: failure, calls: failure.calls, run: run)
        }
    }

    /// The same rule (numbering and case aside) pooled into one with all its sessions, errors and
    /// calls; then most-supported first (sessions behind a rule), ties in list order.
    static func ranked(_ rules: [SourcedRule]) -> [SourcedRule] {
        var order: [String] = []
        var pooled: [String: SourcedRule] = [:]
        for rule in rules {
            let text = withoutNumbering(rule.rule).lowercased()
            guard var known = pooled[text] else {
                order.append(text)
                pooled[text] = rule
                continue
            }
            known.sessions = Array(Set(known.sessions + rule.sessions)).sorted()
            known.errors = Array(Set(known.errors + rule.errors)).sorted()
            known.calls = Array(Set(known.calls + rule.calls)).sorted()
            pooled[text] = known
        }
        let unique = order.map { pooled[$0]! }
        return unique.enumerated().sorted { a, b in
            a.element.sessions.count != b.element.sessions.count
                ? a.element.sessions.count > b.element.sessions.count : a.offset < b.offset
        }.map(\.element)
    }

    /// One merge call over `inputs` (numbered for the teacher), stored as a step keyed by the
    /// listing so any sample holding the same inputs reuses it; each merged rule inherits its
    /// sources' sessions, errors and calls.
    func merge(
        _ inputs: [SourcedRule], dataset: Dataset, run: RunState
    ) async throws -> ([SourcedRule], [LLMGateway.Call]) {
        let listing = inputs.enumerated().map { "\($0 + 1). \(Self.withoutNumbering($1.rule))" }.joined(separator: "\n")
        let key =
            "consolidate/\(dataset.domain)/\(teacherModel)/\(templates.consolidate.hash.prefix(12))/"
            + SHA256.hex(Data(listing.utf8)).prefix(16)
        if let done = try workspace.step(key: key), done.status == .done, let output = done.output,
            let rules = try? JSONDecoder().decode([SourcedRule].self, from: Data(output.utf8))
        {
            return (rules, [])
        }
        var conversation = [
            ChatMessage.user(templates.consolidate.render(["rules": listing, "max_rules": "\(Self.maxRules)"]))
        ]
        // Every rule with its sources is a long answer: the endpoint's limit, at least the usual 400.
        let (merged, calls) = try await ask(
            &conversation, template: templates.consolidate, stage: .rule, session: nil, run: run,
            maxTokens: max(400, gateway.config.teacher.maxTokens), parse: Self.mergedRules)
        let rules = merged.map { text, sources -> SourcedRule in
            let from = sources.filter { (1...inputs.count).contains($0) }.map { inputs[$0 - 1] }
            return SourcedRule(
                rule: text, sessions: Array(Set(from.flatMap(\.sessions))).sorted(),
                errors: Array(Set(from.flatMap(\.errors))).sorted(), calls: Array(Set(from.flatMap(\.calls))).sorted())
        }
        try workspace.complete(
            step(
                key, stage: .rule, domain: dataset.domain, session: nil, status: .done,
                output: KnowledgeItem.json(rules), calls: calls),
            items: [])
        return (rules, calls)
    }

    /// `{"rules": [{"rule": …, "sources": […]}]}` (a bare string entry has no sources).
    static func mergedRules(_ text: String) throws -> [(String, [Int])] {
        guard let object = try AnswerParser.jsonValue(in: text) as? [String: Any], let list = object["rules"] as? [Any]
        else {
            throw ParseFailure(reason: "expected {\"rules\": [{\"rule\": …, \"sources\": […]}]}")
        }
        let rules = list.compactMap { entry -> (String, [Int])? in
            if let text = entry as? String { return (text, []) }
            guard let object = entry as? [String: Any], let text = object["rule"] as? String, !text.isEmpty
            else { return nil }
            return (text, ((object["sources"] as? [Any]) ?? []).compactMap { try? AnswerParser.position($0) })
        }
        guard !rules.isEmpty else { throw ParseFailure(reason: "the merged list is empty") }
        return rules
    }
}
