import Foundation

/// The results table of stored runs: metrics with bootstrap confidence intervals, cost, and the
/// paired randomisation test of each run's precision against the zero-shot baseline.
public struct ExperimentReport: Sendable {
    public struct Row: Sendable {
        public let run: RunRecord
        public let metrics: RunMetrics
        public let precisionCI: Significance.Interval
        public let recallCI: Significance.Interval
        public let coverageCI: Significance.Interval
        /// p-value of precision against the baseline run (nil for the baseline itself).
        public let pValue: Double?
        /// Precision as a share of the teacher's zero-shot row on the same sessions, with a paired
        /// bootstrap CI (nil without a teacher row, and for that row itself).
        public let teacherRatio: (value: Double, ci: Significance.Interval)?
        public let efficiency: Efficiency
    }

    public let mode: ScoringMode
    public let rows: [Row]
    /// The run p-values were computed against, when not each run's zero-shot one.
    public var baselineRunID: Int64? = nil

    /// Scores every run from its stored predictions (no model calls). p-values compare each run
    /// with `baselineRunID` when given (runs of another domain or test set get none), else with
    /// the zero-shot run of the same domain and test set (see `zeroShot(for:in:)`).
    public static func build(
        workspace: Workspace, datasets: [Dataset], mode: ScoringMode,
        baselineRunID: Int64? = nil
    ) throws -> ExperimentReport {
        let byDomain = Dictionary(uniqueKeysWithValues: datasets.map { ($0.domain, $0) })
        var scored: [(RunRecord, RunMetrics)] = []
        var efficiency: [Int64: Efficiency] = [:]
        for run in try workspace.runs() where run.status == .done {
            guard let dataset = byDomain[run.domain] else { continue }
            let stored = try workspace.predictions(run: run.id!)
            let predictions = stored.compactMap { row -> SessionPrediction? in
                dataset.session(id: row.sessionId).map { SessionPrediction(session: $0, bundles: row.parsedBundles) }
            }
            scored.append((run, Scorer.score(predictions, mode: mode)))
            efficiency[run.id!] = Efficiency.measure(
                run, predictions: stored, calls: try workspace.calls(ids: Set(stored.flatMap(\.allCallIDs))),
                student: run.method.needsFineTunedStudent ? try workspace.student(named: run.student) : nil)
        }
        let rows = scored.map { run, metrics -> Row in
            let evaluated = metrics.evaluated
            let baseline =
                baselineRunID.map { id in
                    scored.first { $0.0.id == id && $0.0.domain == run.domain && $0.0.sessions == run.sessions }
                }
                ?? zeroShot(for: run, in: scored)
            var p: Double?
            if let baseline, baseline.0.id != run.id {
                let (ours, theirs) = pairedPrecision(metrics, baseline.1)
                p = Significance.pairedRandomization(ours, theirs)
            }
            var ratio: (Double, Significance.Interval)?
            if let teacher = scored.first(where: {
                $0.0.method == .teacher && $0.0.domain == run.domain && $0.0.sessions == run.sessions
            }), teacher.0.id != run.id {
                let (ours, reference) = pairedPrecision(metrics, teacher.1)
                if reference.reduce(0, +) > 0 {
                    ratio = (
                        ours.reduce(0, +) / reference.reduce(0, +),
                        Significance.bootstrap(numerators: ours, denominators: reference)
                    )
                }
            }
            return Row(
                run: run, metrics: metrics,
                precisionCI: Significance.bootstrap(numerators: evaluated.map(\.precision)),
                recallCI: Significance.bootstrap(numerators: evaluated.map(\.recall)),
                coverageCI: Significance.bootstrap(
                    numerators: evaluated.map(\.coverageSum), denominators: evaluated.map { Double($0.hits) }),
                pValue: p, teacherRatio: ratio, efficiency: efficiency[run.id!]!)
        }
        return ExperimentReport(mode: mode, rows: rows, baselineRunID: baselineRunID)
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
            $0.0.isZeroShot && $0.0.method == .icl && $0.0.domain == run.domain && $0.0.sessions == run.sessions
        }
        return candidates.first { $0.0.student == run.student } ?? candidates.first
    }

    /// The results table's columns, the p column naming its baseline.
    var headers: [String] {
        Self.headers.map { $0 == "p vs none" ? baselineRunID.map { "p vs run \($0)" } ?? $0 : $0 }
    }

    static let headers = [
        "domain", "formats", "strategy", "ratio", "method", "precision [95% CI]", "recall [95% CI]",
        "coverage [95% CI]", "sessions (excl.)", "answer tokens", "teacher tokens", "p vs none",
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
            row.run.isZeroShot ? "-" : String(row.run.ratio), row.run.method.rawValue,
        ]
    }

    func cells(_ row: Row) -> [String] {
        func metric(_ value: Double, _ ci: Significance.Interval) -> String {
            String(format: "%.3f [%.3f, %.3f]", value, ci.low, ci.high)
        }
        let m = row.metrics
        return cellColumns(row) + [
            metric(m.precision, row.precisionCI), metric(m.recall, row.recallCI), metric(m.coverage, row.coverageCI),
            "\(m.evaluated.count) (\(m.excludedForParse + m.excludedAllSingle))",
            "\(row.run.studentPromptTokens + row.run.studentCompletionTokens)", "\(row.run.teacherTokens)",
            row.pValue.map { String(format: "%.3f", $0) } ?? "-",
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
            + (baselineRunID.map { "run \($0)" } ?? "the zero-shot run (of the base student, for a fine-tuned one)")
            + "."
    }

    public func markdown() -> String {
        func table(_ headers: [String], _ body: [[String]]) -> [String] {
            [
                "| " + headers.joined(separator: " | ") + " |",
                "|" + headers.map { _ in "---" }.joined(separator: "|") + "|",
            ]
                + body.map { "| " + $0.joined(separator: " | ") + " |" }
        }
        return
            ([caption, ""] + table(headers, rows.map(cells)) + ["", Self.costCaption, ""]
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
