import Foundation

/// The first knowledge format of the paper: frequent patterns mined from the training
/// sessions' ground-truth bundles, each item mapped to its leaf category (docs/paper-notes.md
/// §5.1). Defaults are the authors' Apriori baseline: support = confidence = 0.001, sizes 2–5.
public struct PatternOptions: Sendable, Equatable {
    public enum Level: String, Sendable, CaseIterable { case category, item }
    public enum Source: String, Sendable, CaseIterable { case bundles, sessions }

    public var level: Level = .category
    public var source: Source = .bundles
    public var minSupport = 0.001
    public var minConfidence = 0.001
    public var minSize = 2
    public var maxSize = 5
    public var ruleSupport: RuleSupport = .bodyAndHead
    /// Refuse runs whose proven upper bound on itemsets exceeds this (about 30 bytes each).
    public var maxItemsets = 20_000_000

    public init() {}
}

/// Patterns and rules mined from one dataset, with what they were mined from.
public struct PatternReport: Sendable {
    public let options: PatternOptions
    public let transactions: TransactionSet
    /// Itemsets within the size range, most supported first (ties: larger, then by name).
    public let itemsets: FrequentItemsets
    public let rules: [AssociationRule]
    public let displayNames: [String]
    /// Wall time of FP-growth alone, and of rule generation (0 when rules were not asked for).
    public let miningSeconds: Double
    public let rulesSeconds: Double
    public let estimate: ExplosionEstimate
}

public enum CategoryPatterns {
    /// One transaction per ground-truth bundle (or session) of the training split; items with
    /// no category are left out of category-level transactions (they carry no pattern).
    public static func transactions(_ dataset: Dataset, options: PatternOptions) -> (TransactionSet, [String]) {
        let training = dataset.split.isEmpty ? dataset.sessions : dataset.sessions(in: .train)
        let groups: [[String]] = training.flatMap { session -> [[String]] in
            options.source == .bundles ? session.bundles.map(\.itemIDs) : [session.itemIDs]
        }
        let keyed: [[String]] = groups.map { ids in
            options.level == .item ? ids : ids.compactMap { dataset.item($0).leafCategory }
        }
        let set = TransactionSet(keyed)
        let names = options.level == .item ? set.labels.map { dataset.item($0).promptTitle } : set.labels
        return (set, names)
    }

    public static func mine(_ dataset: Dataset, options: PatternOptions) throws -> PatternReport {
        let (set, names) = transactions(dataset, options: options)
        return try mine(set, displayNames: names, options: options)
    }

    /// Mines itemsets (all sizes up to the maximum, for rule measures) and, when `withRules`,
    /// association rules; the report keeps the itemsets within the size range.
    public static func mine(
        _ set: TransactionSet, displayNames: [String], options: PatternOptions,
        withRules: Bool = true
    ) throws -> PatternReport {
        let minSupport = set.absoluteSupport(options.minSupport)
        let estimate = ExplosionEstimate(set, minSupport: minSupport, maxSize: options.maxSize)
        guard estimate.upperBound <= Double(options.maxItemsets) else {
            let detailed = ExplosionEstimate(set, minSupport: minSupport, maxSize: options.maxSize, countPairs: true)
            throw PatternExplosion(estimate: detailed, cap: options.maxItemsets)
        }
        // pyfim-style body support needs itemsets down to supp(body) · confidence.
        let itemsetThreshold =
            withRules && options.ruleSupport == .body
            ? max(1, Int((Double(minSupport) * options.minConfidence - 1e-9).rounded(.up))) : minSupport
        let started = DispatchTime.now().uptimeNanoseconds
        let all = FPGrowth(minSupport: itemsetThreshold, maxSize: options.maxSize).mine(set)
        let mined = DispatchTime.now().uptimeNanoseconds
        let rules =
            withRules
            ? AssociationRules.rules(
                from: all, minSupport: minSupport, minConfidence: options.minConfidence,
                support: options.ruleSupport) : []
        let rulesDone = DispatchTime.now().uptimeNanoseconds
        var kept = FrequentItemsets(transactionCount: all.transactionCount, labels: all.labels)
        // Texts for the tie-break are built once per entry, not in every comparison.
        let order = (0..<all.count)
            .filter { all.size($0) >= options.minSize && Int(all.supports[$0]) >= minSupport }
            .map {
                (index: $0, support: all.supports[$0], size: all.size($0), name: names(all.itemset($0), displayNames))
            }
            .sorted { a, b in
                if a.support != b.support { return a.support > b.support }
                if a.size != b.size { return a.size > b.size }
                return a.name < b.name
            }
        for entry in order { kept.append(all.itemset(entry.index), support: entry.support) }
        let sortedRules = rules.filter { $0.body.count + 1 >= options.minSize }
            .map { (rule: $0, text: PatternText.rule($0, names: displayNames)) }
            .sorted { a, b in
                if a.rule.confidence != b.rule.confidence { return a.rule.confidence > b.rule.confidence }
                if a.rule.supportCount != b.rule.supportCount { return a.rule.supportCount > b.rule.supportCount }
                return a.text < b.text
            }
            .map(\.rule)
        return PatternReport(
            options: options, transactions: set, itemsets: kept, rules: sortedRules,
            displayNames: displayNames, miningSeconds: Double(mined - started) / 1e9,
            rulesSeconds: Double(rulesDone - mined) / 1e9, estimate: estimate)
    }

    public static func names(_ itemset: ArraySlice<Int32>, _ displayNames: [String]) -> String {
        itemset.map { displayNames[Int($0)] }.sorted().joined(separator: " + ")
    }
}

/// Short, deterministic text for prompts: "Camera + Memory Card (support 1.2%, 11 bundles)" and
/// "Camera + Lens → Memory Card (support 1.2%, confidence 64%, lift 3.1)".
public enum PatternText {
    public static func pattern(_ report: PatternReport, _ index: Int) -> String {
        let unit = report.options.source == .bundles ? "bundles" : "sessions"
        let support = report.itemsets.supports[index]
        return CategoryPatterns.names(report.itemsets.itemset(index), report.displayNames)
            + " (support \(percent(report.itemsets.relativeSupport(index))), \(support) \(unit))"
    }

    public static func rule(_ rule: AssociationRule, names: [String]) -> String {
        rule.body.map { names[Int($0)] }.sorted().joined(separator: " + ") + " → " + names[Int(rule.head)]
            + " (support \(percent(rule.support)), confidence \(percent(rule.confidence)), lift \(String(format: "%.1f", rule.lift)))"
    }

    /// The first `limit` patterns and rules as prompt lines, in the report's order.
    public static func lines(
        _ report: PatternReport, patternLimit: Int, ruleLimit: Int
    ) -> (patterns: [String], rules: [String]) {
        (
            (0..<min(patternLimit, report.itemsets.count)).map { pattern(report, $0) },
            report.rules.prefix(ruleLimit).map { rule($0, names: report.displayNames) }
        )
    }

    static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        return value >= 10 ? String(format: "%.0f%%", value) : String(format: "%.1f%%", value)
    }
}
