import Foundation

/// What the student sees of the distilled knowledge for one choice of format and quantity:
/// the sampled training sessions, patterns mined from their bundles, the consolidated rules
/// that came from them, and their thoughts. Pure: stored items come in, nothing is called.
/// The experiment runner and the Knowledge screen both use it, so the screen shows exactly
/// the prompt a run would send.
public struct KnowledgeSelection: Sendable {
    public let sample: [SessionReference]
    public let context: KnowledgeContext
    /// The mined patterns behind `context.patterns` (nil when patterns are off or none were found).
    public let patternReport: PatternReport?
    /// Teacher tokens spent on the selected rule and thought items (each call counted once).
    public let teacherTokens: Int
    /// The teacher calls those items came from, for the distillation cost in the call log.
    public let teacherCallIDs: Set<Int64>

    /// The sample a cell draws from `dataset`'s training split.
    public static func sample(
        _ dataset: Dataset, strategy: SamplingStrategy, ratio: Double, seed: UInt64,
        difficulty: [String: Double] = [:]
    ) -> [SessionReference] {
        let references = dataset.sessions(in: .train).map { SessionReference(domain: dataset.domain, session: $0) }
        return SessionSampler.select(
            references, strategy: strategy, ratio: ratio, seed: seed,
            titles: { SessionText.titles($0.session, in: dataset) }, difficulty: difficulty)
    }

    /// Builds the knowledge of `formats` from `sample`, taking rules and thoughts from `stored`.
    public init(
        formats: Set<KnowledgeFormat>, dataset: Dataset, sample: [SessionReference], stored: [KnowledgeItem],
        patternLimit: Int = 40, teacherModel: String? = nil
    ) {
        self.sample = sample
        var context = KnowledgeContext()
        var report: PatternReport?
        if formats.contains(.pattern) {
            var sampled = dataset
            sampled.sessions = sample.map(\.session)
            sampled.split = [:]
            report = try? CategoryPatterns.mine(sampled, options: PatternOptions())
            if let report {
                context.patterns = PatternText.lines(report, patternLimit: patternLimit, ruleLimit: 0).patterns
            }
        }
        let keys = Set(sample.map(\.key))
        var counted: Set<String> = []
        var tokens = 0
        var calls: Set<Int64> = []
        // Exactly the rules of this sample's own consolidation when there is one (see
        // `Extractor.consolidateRules`); else, for workspaces from before, every rule drawn from it.
        let sampleKey = Extractor.sampleKey(sample)
        let ownConsolidation = stored.contains { $0.format == .rule && $0.sampleKey == sampleKey }
        for item in stored
        where item.domain == dataset.domain && formats.contains(item.format) && item.format != .pattern
            && teacherModel.map({ $0 == item.teacherModel }) ?? true
        {
            if item.format == .rule, ownConsolidation {
                guard item.sampleKey == sampleKey else { continue }
            } else {
                guard item.sampleKey == nil, !Set(item.sessionList).isDisjoint(with: keys) else { continue }
            }
            if item.format == .rule { context.rules.append(item.text) }
            if item.format == .thought, let session = item.sessionList.first { context.thoughts[session] = item.text }
            if counted.insert(item.callIds).inserted { tokens += item.promptTokens + item.completionTokens }
            calls.formUnion(item.callList)
        }
        teacherCallIDs = calls
        self.context = context
        patternReport = report
        teacherTokens = tokens
    }
}
