import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd mine`: frequent patterns and association rules, from a dataset or a plain file.
struct MineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mine",
        abstract: "Mine frequent patterns and association rules (FP-growth).",
        discussion: "From a dataset (default): one transaction per ground-truth bundle of the training split, "
            + "items mapped to their leaf category. With --transactions FILE: one transaction per line of "
            + "space-separated integer ids, to compare with other miners on the same file. "
            + "A summary line (counts per size, timings, the rule-support definition) goes to standard error.")

    @OptionGroup var source: DataOptions

    @Option(help: "A file with one transaction per line of space-separated integer ids (instead of --data).")
    var transactions: String?

    @Option(help: "Mine leaf categories (category) or items (item).")
    var level: PatternOptions.Level = .category

    @Option(
        name: .customLong("from"), help: "Transactions are ground-truth bundles (bundles) or whole sessions (sessions)."
    )
    var transactionSource: PatternOptions.Source = .bundles

    @Option(parsing: .unconditional, help: "Minimum support as a fraction of transactions (0.001 = 0.1%).")
    var minSupport: Double = 0.001

    @Option(parsing: .unconditional, help: "Minimum rule confidence as a fraction.")
    var minConfidence: Double = 0.001

    @Option(help: "Itemset sizes, N or N-M (default 2-5 for datasets, 1- for --transactions).")
    var sizes: SizeRange?

    @Option(help: "What to list: itemsets, closed, maximal or rules.")
    var target: MineTarget = .itemsets

    @Option(help: "Rule support definition: body+head (the itemset's) or body (pyfim's default).")
    var ruleSupport: RuleSupport = .bodyAndHead

    @Option(help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    @Option(parsing: .unconditional, help: "Rows shown in a table (0 = all); json and csv list everything.")
    var limit: Int = 20

    @Option(parsing: .unconditional, help: "Refuse a run that could produce more itemsets than this.")
    var maxItemsets: Int = 20_000_000

    @Option(
        name: .customLong("repeat"), parsing: .unconditional,
        help: "For benchmarks: mine this many more times and print the minimum and median FP-growth time.")
    var repetitions: Int = 0

    func validate() throws {
        guard minSupport > 0, minSupport <= 1 else {
            throw ValidationError("--min-support must be in (0, 1], got \(minSupport)")
        }
        guard minConfidence >= 0, minConfidence <= 1 else {
            throw ValidationError("--min-confidence must be in [0, 1], got \(minConfidence)")
        }
        guard limit >= 0 else { throw ValidationError("--limit must not be negative, got \(limit)") }
        guard maxItemsets >= 1 else { throw ValidationError("--max-itemsets must be at least 1, got \(maxItemsets)") }
    }

    func run() throws {
        var options = PatternOptions()
        options.level = level
        options.source = transactionSource
        options.minSupport = minSupport
        options.minConfidence = minConfidence
        options.ruleSupport = ruleSupport
        options.maxItemsets = maxItemsets
        let range = sizes ?? (transactions == nil ? SizeRange(min: 2, max: 5) : SizeRange(min: 1, max: .max))
        options.minSize = range.min
        options.maxSize = range.max
        try reportingFailures {
            do {
                if let transactions {
                    let started = DispatchTime.now().uptimeNanoseconds
                    let set = try TransactionFile.load(path: transactions)
                    let parsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                    let report = try CategoryPatterns.mine(
                        set, displayNames: set.labels, options: options, withRules: target == .rules)
                    emit(report, title: transactions, parseSeconds: parsed)
                    if repetitions > 0 { try timeRepeats(set, options: options) }
                } else {
                    for dataset in try source.loadPrepared() {
                        emit(
                            try CategoryPatterns.mine(dataset, options: options), title: dataset.domain,
                            parseSeconds: nil)
                        if repetitions > 0 {
                            try timeRepeats(
                                CategoryPatterns.transactions(dataset, options: options).0, options: options)
                        }
                    }
                }
            } catch let explosion as PatternExplosion {
                throw DataError(
                    file: transactions ?? source.data ?? "sessions/", field: "min-support", explosion.description)
            }
        }
    }

    /// Times FP-growth alone, after the run above warmed it up.
    private func timeRepeats(_ set: TransactionSet, options: PatternOptions) throws {
        print(FPGrowthTiming.measure(set, options: options, repetitions: repetitions).line)
    }

    private func emit(_ report: PatternReport, title: String, parseSeconds: Double?) {
        let itemsets = target == .rules ? report.itemsets : report.itemsets.filtered(target.kind)
        let summary = MineOutput.summary(report, title: title, listed: itemsets.count, parseSeconds: parseSeconds)
        FileHandle.standardError.write(Data((summary + "\n").utf8))
        switch format {
        case .table: print(MineOutput.table(report, itemsets: itemsets, target: target, limit: limit))
        case .json:
            let json = MineOutput.json(report, itemsets: itemsets, target: target, title: title)
            FileHandle.standardOutput.write(Data(json + [UInt8(ascii: "\n")]))
        case .csv: print(MineOutput.csv(report, itemsets: itemsets, target: target), terminator: "")
        }
    }
}

enum MineTarget: String, ExpressibleByArgument, CaseIterable {
    case itemsets, closed, maximal, rules
    var kind: ItemsetKind { self == .closed ? .closed : self == .maximal ? .maximal : .all }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

extension PatternOptions.Level: ExpressibleByArgument {}
extension PatternOptions.Source: ExpressibleByArgument {}
extension RuleSupport: ExpressibleByArgument {}

/// `N` or `N-M` or `N-` (no upper bound).
struct SizeRange: ExpressibleByArgument, Equatable {
    let min: Int
    let max: Int

    init(min: Int, max: Int) {
        self.min = min
        self.max = max
    }

    init?(argument: String) {
        let parts = argument.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), let low = Int(parts[0]), low >= 1 else { return nil }
        let high = parts.count == 1 ? low : parts[1].isEmpty ? Int.max : Int(parts[1]) ?? -1
        guard high >= low else { return nil }
        self.init(min: low, max: high)
    }
}
