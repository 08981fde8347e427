import Foundation

/// The results table of stored runs: metrics with bootstrap confidence intervals, cost, and the
/// paired randomisation test of each run's precision against the zero-shot baseline.
public struct ExperimentReport: Sendable {
    public struct Row: Sendable {
        public let run: RunRecord
        public let metrics: RunMetrics
        /// The same answers scored strictly (each ground-truth bundle hit once, singles miss).
        public let strictPrecision: Double
        public let shape: AnswerShape
        /// Precision over the evaluated sessions of 3 or more products (where chance is lower).
        public let precisionThreePlus: Double?
        /// Precision by session length (products in the session).
        public let precisionByLength: [Int: Double]
        public let precisionCI: Significance.Interval
        public let recallCI: Significance.Interval
        public let coverageCI: Significance.Interval
        /// p-value of precision against the baseline run (nil for the baseline itself); against a
        /// zero-shot cell with several rounds, the largest p over its rounds.
        public let pValue: Double?
        /// The best-scoring no-model baseline on the same sessions and p against it.
        public let bestBaseline: (run: RunRecord, p: Double?)?
        /// Precision as a share of the teacher's zero-shot row on the same sessions, with a paired
        /// bootstrap CI (nil without a teacher row, and for that row itself).
        public let teacherRatio: (value: Double, ci: Significance.Interval)?
        public let efficiency: Efficiency
    }

    /// What chance scores on one test set: the exact expected precision of a random pair.
    public struct Chance: Sendable {
        public let domain: String
        public let sessions: Int
        public let testSet: String?
        public let randomPairPrecision: Double
    }

    public let mode: ScoringMode
    public let rows: [Row]
    /// The run p-values were computed against, when not each run's zero-shot one.
    public var baselineRunID: Int64? = nil
    /// Chance on each test set the rows answered.
    public var chance: [Chance] = []
    /// The cells with more than one round, by the first round's run id.
    public var replicates: [Replicates] = []

    /// Scores every run from its stored predictions (no model calls). p-values compare each run
    /// with `baselineRunID` when given (runs of another domain or test set get none), else with
    /// the zero-shot run of the same domain and test set (see `zeroShot(for:in:)`).
    public static func build(
        workspace: Workspace, datasets: [Dataset], mode: ScoringMode,
        baselineRunID: Int64? = nil
    ) throws -> ExperimentReport {
        let byDomain = Dictionary(uniqueKeysWithValues: datasets.map { ($0.domain, $0) })
        var scored: [(RunRecord, RunMetrics)] = []
        var strict: [Int64: Double] = [:]
        var shapes: [Int64: AnswerShape] = [:]
        var answers: [Int64: [String: [ParsedBundle]?]] = [:]
        var lengths: [String: Int] = [:]
        var chance: [Chance] = []
        var efficiency: [Int64: Efficiency] = [:]
        for run in try workspace.runs() where run.status == .done {
            guard let dataset = byDomain[run.domain] else { continue }
            let stored = try workspace.predictions(run: run.id!)
            let predictions = stored.compactMap { row -> SessionPrediction? in
                dataset.session(id: row.sessionId).map { SessionPrediction(session: $0, bundles: row.parsedBundles) }
            }
            for prediction in predictions { lengths[prediction.session.id] = prediction.session.itemIDs.count }
            scored.append((run, Scorer.score(predictions, mode: mode)))
            strict[run.id!] = Scorer.score(predictions, mode: .strict).precision
            shapes[run.id!] = AnswerShape(predictions.map(\.bundles))
            answers[run.id!] = Dictionary(
                predictions.map { ($0.session.id, $0.bundles) }, uniquingKeysWith: { a, _ in a })
            if !chance.contains(where: {
                $0.domain == run.domain && $0.sessions == run.sessions && $0.testSet == run.testSet
            }) {
                let values = predictions.map { BaselineRule.expectedRandomPairPrecision($0.session) }
                chance.append(
                    Chance(
                        domain: run.domain, sessions: run.sessions, testSet: run.testSet,
                        randomPairPrecision: values.reduce(0, +) / Double(max(values.count, 1))))
            }
            efficiency[run.id!] = Efficiency.measure(
                run, predictions: stored, calls: try workspace.calls(ids: Set(stored.flatMap(\.allCallIDs))),
                student: run.method.needsFineTunedStudent ? try workspace.student(named: run.student) : nil)
        }
        let rounds = Dictionary(grouping: scored, by: \.0.cellKey).filter { $0.value.count > 1 }
        let rows = scored.map { run, metrics -> Row in
            let evaluated = metrics.evaluated
            let baseline =
                baselineRunID.map { id in scored.first { $0.0.id == id && $0.0.sharesTests(with: run) } }
                ?? zeroShot(for: run, in: scored)
            var p: Double?
            if let baseline, baseline.0.id != run.id, baseline.0.cellKey != run.cellKey {
                // Against a cell repeated in rounds, the largest p over its rounds: a difference
                // must hold against every replicate, not only the one that happened to be low.
                p = (rounds[baseline.0.cellKey] ?? [baseline]).map { other in
                    let (ours, theirs) = pairedPrecision(metrics, other.1)
                    return Significance.pairedRandomization(ours, theirs)
                }.max()
            }
            let best = scored.filter { $0.0.isBaseline && $0.0.sharesTests(with: run) && $0.0.cellKey != run.cellKey }
                .max { $0.1.precision < $1.1.precision }
            var ratio: (Double, Significance.Interval)?
            if let teacher = scored.first(where: { $0.0.method == .teacher && $0.0.sharesTests(with: run) }),
                teacher.0.id != run.id
            {
                let (ours, reference) = pairedPrecision(metrics, teacher.1)
                if reference.reduce(0, +) > 0 {
                    ratio = (
                        ours.reduce(0, +) / reference.reduce(0, +),
                        Significance.bootstrap(numerators: ours, denominators: reference)
                    )
                }
            }
            let byLength = Dictionary(grouping: evaluated) { lengths[$0.sessionID] ?? 0 }
                .mapValues { RunMetrics.mean($0.map(\.precision)) }
            let threePlus = evaluated.filter { (lengths[$0.sessionID] ?? 0) >= 3 }.map(\.precision)
            return Row(
                run: run, metrics: metrics, strictPrecision: strict[run.id!] ?? 0, shape: shapes[run.id!]!,
                precisionThreePlus: threePlus.isEmpty ? nil : RunMetrics.mean(threePlus), precisionByLength: byLength,
                precisionCI: Significance.bootstrap(numerators: evaluated.map(\.precision)),
                recallCI: Significance.bootstrap(numerators: evaluated.map(\.recall)),
                coverageCI: Significance.bootstrap(
                    numerators: evaluated.map(\.coverageSum), denominators: evaluated.map { Double($0.hits) }),
                pValue: p,
                bestBaseline: best.map { best in
                    let (ours, theirs) = pairedPrecision(metrics, best.1)
                    return (best.0, Significance.pairedRandomization(ours, theirs))
                },
                teacherRatio: ratio, efficiency: efficiency[run.id!]!)
        }
        let replicates = rounds.values.map { group -> Replicates in
            let ordered = group.sorted { $0.0.round < $1.0.round }
            return Replicates(
                runIDs: ordered.map { $0.0.id! }, precisions: ordered.map(\.1.precision),
                answers: ordered.map { answers[$0.0.id!] ?? [:] })
        }.sorted { $0.runIDs[0] < $1.runIDs[0] }
        return ExperimentReport(
            mode: mode, rows: rows, baselineRunID: baselineRunID, chance: chance, replicates: replicates)
    }

    /// Per-session precision of two runs over the sessions both evaluated, in `ours`' order.
    static func pairedPrecision(_ ours: RunMetrics, _ theirs: RunMetrics) -> (ours: [Double], theirs: [Double]) {
        let byID = Dictionary(uniqueKeysWithValues: theirs.evaluated.map { ($0.sessionID, $0.precision) })
        let paired = ours.evaluated.compactMap { score in byID[score.sessionID].map { (score.precision, $0) } }
        return (paired.map(\.0), paired.map(\.1))
    }

    /// The zero-shot run a run is compared with: the same domain and test set, its own student
    /// if that has one (a different base model), else the base student's — a fine-tuned student
    /// is compared with the model it was tuned from.
    static func zeroShot(for run: RunRecord, in scored: [(RunRecord, RunMetrics)]) -> (RunRecord, RunMetrics)? {
        let candidates = scored.filter {
            $0.0.isZeroShot && $0.0.method == .icl && $0.0.sharesTests(with: run)
                && ($0.0.cellKey != run.cellKey || $0.0.id == run.id)
        }
        // A zero-shot variant is compared with the standard zero-shot, not with itself.
        if run.isZeroShot, run.method == .icl, run.formatLine != .standard,
            let standard = candidates.first(where: { $0.0.student == run.student && $0.0.formatLine == .standard })
        {
            return standard
        }
        // Its own student and format line first (a prompt variant is compared with its own zero-shot).
        return candidates.first { $0.0.student == run.student && $0.0.formatLine == run.formatLine }
            ?? candidates.first { $0.0.student == run.student && $0.0.formatLine == .standard }
            ?? candidates.first { $0.0.student == run.student } ?? candidates.first
    }

    /// The results table's columns, the p column naming its baseline.
    var headers: [String] {
        Self.headers.map { $0 == "p vs none" ? baselineRunID.map { "p vs run \($0)" } ?? $0 : $0 }
    }

    static let headers = [
        "domain", "formats", "strategy", "ratio", "method", "precision [95% CI]", "recall [95% CI]",
        "coverage [95% CI]", "precision 3+", "strict precision", "items / bundle", "[1, 2] share",
        "sessions (excl.)", "answer tokens", "teacher tokens", "p vs none", "p vs best baseline",
        "precision × teacher [95% CI]",
    ]

    static let costHeaders = [
        "calls / session", "prompt tokens / session", "completion tokens / session", "seconds / session",
        "model MB", "peak memory MB", "distillation tokens", "distillation seconds", "training seconds",
        "training peak MB",
    ]

    /// The cell a row describes: domain, formats, strategy, ratio, method.
    func cellColumns(_ row: Row) -> [String] {
        [
            row.run.domain, row.run.formats.label + (row.run.knowledgeSet.map { " (set \($0))" } ?? ""),
            row.run.isZeroShot ? "-" : row.run.strategy.rawValue,
            row.run.isZeroShot ? "-" : String(row.run.ratio),
            row.run.method.rawValue + (row.run.formatLine != .standard ? " [line \(row.run.formatLine.rawValue)]" : "")
                + (row.run.round > 0 ? " (round \(row.run.round + 1))" : ""),
        ]
    }

    func cells(_ row: Row) -> [String] {
        func metric(_ value: Double, _ ci: Significance.Interval) -> String {
            String(format: "%.3f [%.3f, %.3f]", value, ci.low, ci.high)
        }
        let m = row.metrics
        return cellColumns(row) + [
            metric(m.precision, row.precisionCI), metric(m.recall, row.recallCI), metric(m.coverage, row.coverageCI),
            row.precisionThreePlus.map { String(format: "%.3f", $0) } ?? "-",
            String(format: "%.3f", row.strictPrecision),
            String(format: "%.2f", row.shape.itemsPerBundle), String(format: "%.2f", row.shape.firstPairShare),
            "\(m.evaluated.count) (\(m.excludedForParse + m.excludedAllSingle))"
                + (row.run.shortenedPrompts > 0 ? ", \(row.run.shortenedPrompts) shortened" : ""),
            "\(row.run.studentPromptTokens + row.run.studentCompletionTokens)", "\(row.run.teacherTokens)",
            row.pValue.map { String(format: "%.3f", $0) } ?? "-",
            row.bestBaseline.map { best in
                best.p.map { String(format: "%.3f (%@)", $0, best.run.method.rawValue) } ?? "-"
            } ?? "-",
            row.teacherRatio.map { String(format: "%.2f [%.2f, %.2f]", $0.value, $0.ci.low, $0.ci.high) } ?? "-",
        ]
    }

    func costCells(_ row: Row) -> [String] {
        let e = row.efficiency
        let megabytes = { (bytes: Int64?) in bytes.map { String(format: "%.0f", Double($0) / 1_048_576) } ?? "-" }
        return [
            String(format: "%.2f", e.calls), String(format: "%.0f", e.promptTokens),
            String(format: "%.0f", e.completionTokens), e.seconds.map { String(format: "%.2f", $0) } ?? "-",
            megabytes(e.modelBytes),
            megabytes(e.peakResidentBytes), "\(e.distillationTokens)",
            e.distillationSeconds.map { String(format: "%.0f", $0) } ?? "-",
            e.trainingSeconds.map { String(format: "%.0f", $0) } ?? "-", megabytes(e.trainingPeakBytes),
        ]
    }

    static let costCaption =
        "Cost per test session, from the call log: calls and tokens behind each answer, wall seconds "
        + "(the run's time over the sessions the model answered in it; - when all came from the cache), "
        + "the answering model's file and its server's peak memory "
        + "(- when the server was not started by this run); distillation: the teacher's one-off tokens and "
        + "seconds for the knowledge the cell used; training: a fine-tuned student's one-off wall seconds and "
        + "the trainer's peak memory."

    public var caption: String {
        "Scoring: \(mode.rawValue) mode"
            + (mode == .paper
                ? " (hit = subset of a ground-truth bundle; single-item bundles removed; parse failures and all-single-item sessions excluded, counted in parentheses)"
                : " (each ground-truth bundle hit once; single items are misses; parse failures count as zero)")
            + ". 95% CIs: paired bootstrap over sessions (1,000 resamples). p: paired randomisation test of precision against "
            + (baselineRunID.map { "run \($0)" }
                ?? "the zero-shot run (of the base student, for a fine-tuned one; the largest p over its rounds "
                + "when it was repeated)")
            + " and against the best no-model baseline on the same sessions (named). precision 3+: on sessions of 3 "
            + "or more products; strict precision: each ground-truth bundle hit once, singles miss; [1, 2] share: "
            + "answers holding a bundle of exactly products 1 and 2."
    }

    /// One line per test set: what a random pair scores there, exactly.
    public var chanceLines: [String] {
        chance.map {
            String(
                format: "Chance on %@ (%d sessions%@): a uniformly random pair scores %.3f (exact expectation).",
                $0.domain, $0.sessions, $0.testSet.map { ", \($0)" } ?? "", $0.randomPairPrecision)
        }
    }

    /// The replicate table: each repeated cell's mean precision and spread over its rounds.
    var replicateTable: [[String]] {
        replicates.compactMap { group in
            guard let row = rows.first(where: { $0.run.id == group.runIDs[0] }) else { return nil }
            return [
                row.run.label, "\(group.runIDs.count)",
                group.precisions.map { String(format: "%.3f", $0) }.joined(separator: ", "),
                String(format: "%.3f", group.mean), String(format: "%.3f", group.sd),
                String(format: "%.3f", group.range),
                group.changedShare.map { String(format: "%.2f", $0) } ?? "-",
            ]
        }
    }

    static let replicateHeaders = [
        "cell", "rounds", "precision per round", "mean", "SD", "range (A/A gap)", "answers changed vs round 1",
    ]

    /// Precision by session length, one column per length.
    var lengthTable: (headers: [String], rows: [[String]]) {
        let lengths = Set(rows.flatMap(\.precisionByLength.keys)).sorted()
        return (
            ["run"] + lengths.map { "\($0) products" },
            rows.map { row in
                [row.run.numberedLabel]
                    + lengths.map { row.precisionByLength[$0].map { String(format: "%.2f", $0) } ?? "-" }
            }
        )
    }

    public func markdown() -> String {
        func table(_ headers: [String], _ body: [[String]]) -> [String] {
            [
                "| " + headers.joined(separator: " | ") + " |",
                "|" + headers.map { _ in "---" }.joined(separator: "|") + "|",
            ]
                + body.map { "| " + $0.joined(separator: " | ") + " |" }
        }
        let replicated =
            replicates.isEmpty
            ? []
            : [
                "",
                "Replicates: the same cell generated afresh in each round (temperature 0; what differs is "
                    + "batching, slots and load). The range is the A/A gap: a difference between two single runs "
                    + "smaller than it is not an effect.", "",
            ] + table(Self.replicateHeaders, replicateTable)
        let byLength = lengthTable
        return
            ([caption, ""] + chanceLines + (chanceLines.isEmpty ? [] : [""]) + table(headers, rows.map(cells))
            + replicated + ["", "Precision by session length:", ""] + table(byLength.headers, byLength.rows)
            + ["", Self.costCaption, ""]
            + table(Array(Self.headers.prefix(5)) + Self.costHeaders, rows.map { cellColumns($0) + costCells($0) }))
            .joined(separator: "\n")
    }

    public func csv() -> String {
        ([(headers + Self.costHeaders).map { "\"\($0)\"" }.joined(separator: ",")]
            + rows.map { (cells($0) + costCells($0)).map { "\"\($0)\"" }.joined(separator: ",") })
            .joined(separator: "\n")
    }

    public func latex() -> String {
        let escape = { (s: String) in
            s.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        }
        func tabular(_ headers: [String], _ body: [[String]]) -> [String] {
            [
                "\\begin{tabular}{" + String(repeating: "l", count: headers.count) + "}", "\\hline",
                headers.map(escape).joined(separator: " & ") + " \\\\", "\\hline",
            ] + body.map { $0.map(escape).joined(separator: " & ") + " \\\\" } + ["\\hline", "\\end{tabular}"]
        }
        return
            (tabular(headers, rows.map(cells)) + ["% " + caption, ""]
            + tabular(Array(Self.headers.prefix(5)) + Self.costHeaders, rows.map { cellColumns($0) + costCells($0) })
            + ["% " + Self.costCaption]).joined(separator: "\n")
    }

    public func json() -> String {
        let objects = rows.map { row -> [String: Any] in
            [
                "id": row.run.id ?? 0, "sessions": row.run.sessions, "knowledgeSet": row.run.knowledgeSet ?? NSNull(),
                "domain": row.run.domain, "formats": row.run.formats.label, "strategy": row.run.strategy.rawValue,
                "ratio": row.run.ratio,
                "method": row.run.method.rawValue, "mode": mode.rawValue, "precision": row.metrics.precision,
                "recall": row.metrics.recall,
                "coverage": row.metrics.coverage, "precisionCI": [row.precisionCI.low, row.precisionCI.high],
                "recallCI": [row.recallCI.low, row.recallCI.high],
                "coverageCI": [row.coverageCI.low, row.coverageCI.high],
                "evaluated": row.metrics.evaluated.count, "excludedParse": row.metrics.excludedForParse,
                "excludedAllSingle": row.metrics.excludedAllSingle,
                "intentRougeL": row.metrics.intentRougeL ?? NSNull(),
                "studentTokens": row.run.studentPromptTokens + row.run.studentCompletionTokens,
                "teacherTokens": row.run.teacherTokens,
                "pValueVsNone": row.pValue ?? NSNull(), "seconds": row.run.seconds,
                "round": row.run.round, "shortenedPrompts": row.run.shortenedPrompts,
                "formatLine": row.run.formatLine.rawValue, "testSet": row.run.testSet ?? NSNull(),
                "student": row.run.student,
                "strictPrecision": row.strictPrecision, "itemsPerBundle": row.shape.itemsPerBundle,
                "firstPairShare": row.shape.firstPairShare, "precisionThreePlus": row.precisionThreePlus ?? NSNull(),
                "bestBaseline": row.bestBaseline.map { $0.run.method.rawValue } ?? NSNull(),
                "pValueVsBestBaseline": row.bestBaseline?.p ?? NSNull(),
                "isBaseline": row.run.isBaseline,
                "chance": chance.first {
                    $0.domain == row.run.domain && $0.sessions == row.run.sessions
                        && $0.testSet == row.run.testSet
                }?.randomPairPrecision ?? NSNull(),
                "precisionVsTeacher": row.teacherRatio.map { $0.value } ?? NSNull(),
                "precisionVsTeacherCI": row.teacherRatio.map { [$0.ci.low, $0.ci.high] } ?? NSNull(),
                "callsPerSession": row.efficiency.calls, "promptTokensPerSession": row.efficiency.promptTokens,
                "completionTokensPerSession": row.efficiency.completionTokens,
                "secondsPerSession": row.efficiency.seconds ?? NSNull(),
                "modelBytes": row.efficiency.modelBytes ?? NSNull(),
                "peakResidentBytes": row.efficiency.peakResidentBytes ?? NSNull(),
                "distillationTokens": row.efficiency.distillationTokens,
                "distillationSeconds": row.efficiency.distillationSeconds ?? NSNull(),
                "trainingSeconds": row.efficiency.trainingSeconds ?? NSNull(),
                "trainingPeakBytes": row.efficiency.trainingPeakBytes ?? NSNull(),
            ]
        }
        return String(
            decoding: try! JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .prettyPrinted]),
            as: UTF8.self)
    }
}
