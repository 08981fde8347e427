import Foundation

/// The axes of a grid and the one rule that turns them into cells, for the CLI and the
/// Experiments screen alike: each format set × method, and for a set with knowledge each
/// strategy × ratio as well (a zero-shot cell has no sample, so it is one cell per method).
public struct GridAxes: Hashable, Sendable {
    public var formats: [Set<KnowledgeFormat>]
    public var strategies: [SamplingStrategy]
    public var ratios: [Double]
    public var methods: [UtilisationMethod]
    public var seed: UInt64
    /// Every knowledge cell pools its knowledge from these domains (nil: the test domain).
    public var knowledgeDomains: [String]? = nil
    /// Every knowledge cell uses this curated set ("name@version"; nil: the teacher's knowledge).
    public var knowledgeSet: String? = nil
    /// Every student and teacher cell once per format line (the prompt-anchor variants).
    public var formatLines: [FormatLine] = [.standard]

    public init(
        formats: [Set<KnowledgeFormat>], strategies: [SamplingStrategy] = [.random], ratios: [Double] = [0.1],
        methods: [UtilisationMethod] = [.icl], seed: UInt64 = 42
    ) {
        self.formats = formats
        self.strategies = strategies
        self.ratios = ratios
        self.methods = methods
        self.seed = seed
    }

    public var cells: [ExperimentCell] {
        baseCells.flatMap { cell in
            cell.method.isBaseline
                ? [cell]
                : formatLines.map { line in
                    var variant = cell
                    variant.formatLine = line
                    return variant
                }
        }
    }

    private var baseCells: [ExperimentCell] {
        let references = methods.filter(\.isSampleFree).map {
            ExperimentCell(formats: [], method: $0, seed: seed)
        }
        // mined-pairs reads its sample's bundles (mined, like patterns): one cell per quantity.
        let mined = methods.filter { $0.baseline?.usesSample == true }.flatMap { method in
            strategies.flatMap { strategy in
                ratios.map {
                    ExperimentCell(
                        formats: [.pattern], strategy: strategy, ratio: $0, method: method, seed: seed)
                }
            }
        }
        return references + mined
            + formats.flatMap { set in
                methods.filter { !$0.isSampleFree && !$0.isBaseline }.flatMap { method -> [ExperimentCell] in
                    guard !set.isEmpty else { return [ExperimentCell(formats: [], method: method, seed: seed)] }
                    return strategies.flatMap { strategy in
                        ratios.map {
                            ExperimentCell(
                                formats: set, strategy: strategy, ratio: $0, method: method, seed: seed,
                                knowledgeDomains: knowledgeDomains, knowledgeSet: knowledgeSet)
                        }
                    }
                }
            }
    }
}

extension GridAxes {
    /// A value on an axis that does not exist or cannot be combined, said in one line.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The axes from comma-separated lists as a user writes them ("none,patterns+rules",
    /// "random,length", "0.05,0.1", "icl,sft"); nil strategies or ratios mean "not given".
    /// Every value is checked here, so the CLI's grid and run report a bad one the same way.
    public static func parse(
        formats: String, strategies: String?, ratios: String?, methods: String, seed: UInt64,
        hasFineTunedStudent: Bool, knowledgeDomains: String? = nil, formatLines: String? = nil
    ) throws -> GridAxes {
        let methodList = try list(methods, "methods").map { name in
            guard let method = UtilisationMethod(rawValue: name) else {
                let names = UtilisationMethod.allCases.map(\.rawValue).joined(separator: ", ")
                throw Problem(description: "unknown method '\(name)' (use \(names))")
            }
            return method
        }
        let sets = try list(formats, "formats").map { label in
            guard let set = FormatSet(label: label) else { throw Problem(description: "unknown format '\(label)'") }
            return set.formats
        }
        if Set(sets).count != sets.count {
            throw Problem(description: "--formats lists one format set twice in '\(formats)'")
        }
        if hasFineTunedStudent, !methodList.contains(where: \.needsFineTunedStudent) {
            throw Problem(description: "--student goes with the methods sft and icl+sft, not '\(methods)'")
        }
        if knowledgeDomains != nil, sets.allSatisfy(\.isEmpty) {
            throw Problem(description: "--knowledge-domains has no effect with --formats none (no knowledge to pool)")
        }
        // Without a given student the grid trains one per format and sample: each needs one format.
        if methodList.contains(where: \.needsFineTunedStudent), !hasFineTunedStudent,
            let bad = sets.first(where: { $0.count != 1 })
        {
            throw Problem(
                description: "sft and icl+sft without --student train a student per format and ratio, so each format "
                    + "set needs exactly one format (patterns, rules or thoughts), not '\(FormatSet(bad).label)'; "
                    + "run the other formats with icl alone or give --student NAME")
        }
        // Zero-shot cells use no knowledge, so a sampling choice for them alone would be ignored.
        if sets.allSatisfy(\.isEmpty), !methodList.contains(where: { $0.baseline?.usesSample == true }),
            ratios != nil || strategies != nil
        {
            throw Problem(
                description: "a sampling \(ratios != nil ? "ratio" : "strategy") has no effect with --formats none "
                    + "(a zero-shot cell uses no knowledge); drop it or add a knowledge format")
        }
        let strategyList = try list(strategies ?? SamplingStrategy.random.rawValue, "strategies").map { name in
            guard let strategy = SamplingStrategy(rawValue: name) else {
                throw Problem(description: "unknown strategy '\(name)'")
            }
            return strategy
        }
        let ratioList = try list(ratios ?? "0.1", "ratios").map { text in
            guard let ratio = Double(text), ratio > 0, ratio <= 1 else {
                throw Problem(description: "bad ratio '\(text)'")
            }
            return ratio
        }
        if Set(ratioList).count != ratioList.count {  // "0.1,0.10": the same ratio spelled twice
            throw Problem(description: "--ratios lists one ratio twice in '\(ratios ?? "")'")
        }
        var axes = GridAxes(formats: sets, strategies: strategyList, ratios: ratioList, methods: methodList, seed: seed)
        if let formatLines {
            axes.formatLines = try list(formatLines, "format-lines").map { name in
                guard let line = FormatLine(rawValue: name) else {
                    let names = FormatLine.allCases.map(\.rawValue).joined(separator: ", ")
                    throw Problem(description: "unknown format line '\(name)' (use \(names))")
                }
                return line
            }
        }
        if let knowledgeDomains {
            axes.knowledgeDomains = try list(knowledgeDomains, "knowledge-domains")
        }
        return axes
    }

    /// The values of a comma-separated flag, none empty and none twice: "0.1,,0.2", "" or
    /// "none,none" is a typo to point at, not a grid to run with a value fewer.
    private static func list(_ text: String, _ flag: String) throws -> [String] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if values.contains(where: \.isEmpty) {
            throw Problem(description: "--\(flag) has an empty value in '\(text)' (a comma-separated list)")
        }
        if let twice = values.first(where: { value in values.filter { $0 == value }.count > 1 }) {
            throw Problem(description: "--\(flag) lists '\(twice)' twice in '\(text)'")
        }
        return values
    }
}
