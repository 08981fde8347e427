import Foundation

/// The paper's pictures from stored runs, drawn by matplotlib (`scripts/figures.py` in its own
/// cached venv, installed by scripts/setup-figures.sh on first use): a kept plotting library
/// gives axes, legends, CI bands and SVG/PNG/PDF that hand-written SVG would have to reinvent.
public enum Figure: String, CaseIterable, Sendable {
    /// Precision, recall and coverage by knowledge format (icl cells).
    case rq1
    /// Each metric over the sampling ratio, a line per format, strategy and method, with CI bands.
    case rq2
    /// Each metric by utilisation method.
    case rq3
    /// One run's attribution: each unit's Δprecision with its CI.
    case attribution

    /// What the script reads: the figure, a title, the report's rows, and the effects.
    public static func payload(
        _ figure: Figure, report: ExperimentReport, attribution: AttributionReport? = nil, items: [KnowledgeItem] = []
    ) throws -> Data {
        // One test set per domain, its largest (the whole split when it ran): a stratified pilot
        // answered other sessions, so its cells and reference lines would not compare.
        let shown = Dictionary(grouping: report.chance, by: \.domain).compactMapValues {
            $0.max { $0.sessions < $1.sessions }
        }
        let all = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [[String: Any]] ?? []
        let rows = all.filter { row in
            guard let domain = row["domain"] as? String, let set = shown[domain] else { return true }
            return (row["testSet"] as? String) == set.testSet
        }
        let effects = (attribution?.effects ?? []).map { effect -> [String: Any] in
            [
                "label": AttributionReport.label(effect.unit, items: items), "precision": effect.precision.mean,
                "ci": [effect.precision.ci.low, effect.precision.ci.high], "helped": effect.helped,
                "hurt": effect.hurt, "sessions": effect.sessions,
            ]
        }
        let domains = shown.values.sorted { $0.domain < $1.domain }.map {
            "\($0.domain), " + ($0.testSet ?? ($0.sessions == 1 ? "1 test session" : "\($0.sessions) test sessions"))
        }.joined(separator: ", ")
        let title: String
        switch figure {
        case .rq1: title = "RQ1 · knowledge formats · \(domains) · \(report.mode.rawValue) mode"
        case .rq2: title = "RQ2 · knowledge quantity · \(domains) · \(report.mode.rawValue) mode"
        case .rq3: title = "RQ3 · utilisation methods · \(domains) · \(report.mode.rawValue) mode"
        case .attribution:
            title =
                "Attribution of run \(attribution?.run.id ?? 0) · \(attribution?.run.label ?? "") · "
                + "\(attribution?.mode.rawValue ?? "") mode"
        }
        return try JSONSerialization.data(
            withJSONObject: [
                "figure": figure.rawValue, "title": title, "rows": rows, "effects": effects,
                "references": references(report, chance: report.chance.filter { chance in
                    shown[chance.domain].map { $0.testSet == chance.testSet && $0.sessions == chance.sessions } ?? true
                }),
            ],
            options: [.sortedKeys])
    }

    /// The horizontal lines the RQ figures read their cells against: chance on each test set (the
    /// exact precision of a random pair; precision only) and each no-model baseline that is one
    /// value per test set: the sample-free ones, and mined-pairs when it ran at one quantity (at
    /// several, RQ2 draws it over the ratio instead). Each has an id for the SVG, a label, and
    /// its precision, recall and coverage (chance: precision only). With several test sets the
    /// labels name theirs.
    static func references(_ report: ExperimentReport, chance: [ExperimentReport.Chance]) -> [[String: Any]] {
        let several = chance.count > 1
        return chance.enumerated().flatMap { index, chance -> [[String: Any]] in
            let suffix = several ? " · \(chance.domain) \(chance.testSet ?? "\(chance.sessions) sessions")" : ""
            let id = several ? "-\(index + 1)" : ""
            let rows = report.rows.filter {
                $0.run.isBaseline && $0.run.domain == chance.domain && $0.run.sessions == chance.sessions
                    && $0.run.testSet == chance.testSet
            }
            let lines = rows.filter { row in
                row.run.method.isSampleFree || rows.filter { $0.run.method == row.run.method }.count == 1
            }.sorted { $0.run.id ?? 0 < $1.run.id ?? 0 }
            let common: [String: Any] = [
                "domain": chance.domain, "sessions": chance.sessions, "testSet": chance.testSet ?? NSNull(),
            ]
            return [
                common.merging([
                    "id": "chance" + id, "kind": "chance", "precision": chance.randomPairPrecision,
                    "label": String(format: "chance %.3f (random pair)", chance.randomPairPrecision) + suffix,
                ]) { a, _ in a }
            ]
                + lines.map { row in
                    let quantity = row.run.method.isSampleFree ? "" : " \(row.run.ratio)"
                    return common.merging([
                        "id": row.run.method.rawValue + id, "kind": "baseline", "method": row.run.method.rawValue,
                        "label": "\(row.run.method.rawValue)\(quantity) (no model)" + suffix,
                        "precision": row.metrics.precision, "recall": row.metrics.recall,
                        "coverage": row.metrics.coverage,
                    ]) { a, _ in a }
                }
        }
    }

    public static var directory: String {
        ProcessInfo.processInfo.environment["FIGURES_DIR"] ?? NSHomeDirectory() + "/.cache/bundlekd/figures"
    }

    /// Whether `output`'s extension names a format the script writes (svg, png or pdf).
    public static func isFigureFile(_ output: String) -> Bool {
        ["svg", "png", "pdf"].contains((output as NSString).pathExtension.lowercased())
    }

    /// Draws `payload` into `output` (svg, png or pdf by its extension): written whole or not at all.
    public static func render(_ payload: Data, to output: String, report: @Sendable (String) -> Void) throws {
        let format = (output as NSString).pathExtension.lowercased()
        guard isFigureFile(output) else {
            throw DataError(file: output, field: "--output", "a figure is .svg, .png or .pdf, not '.\(format)'")
        }
        guard let script = ResourceLocator.find("scripts/figures.py") else {
            throw LLMError.notConfigured("scripts/figures.py was not found beside the binary or here")
        }
        let python = directory + "/venv/bin/python"
        if !FileManager.default.fileExists(atPath: directory + "/venv/.bundlekd-pins") {
            guard let setup = ResourceLocator.find("scripts/setup-figures.sh") else {
                throw LLMError.notConfigured("matplotlib is not installed and scripts/setup-figures.sh was not found")
            }
            report("installing matplotlib for the figures (once, about 40 MB)")
            guard try Trainer.run("'\(setup)'") == 0 else {
                throw LLMError.notConfigured("installing matplotlib failed (\(setup))")
            }
        }
        let scratch = NSTemporaryDirectory() + "bundlekd-figure-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch + ".json") }
        defer { try? FileManager.default.removeItem(atPath: scratch + ".err") }
        try payload.write(to: URL(fileURLWithPath: scratch + ".json"))
        let part = output + ".part"
        let errors = open(scratch + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(errors) }
        let status = try ChildProcess.spawn(
            python, [script, "--data", scratch + ".json", "--output", part, "--format", format], stderr: errors
        ).waitUntilExit()
        guard status == 0 else {
            try? FileManager.default.removeItem(atPath: part)
            let log = (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? ""
            let last = log.split(separator: "\n").last.map(String.init) ?? "exit status \(status)"
            throw DataError(file: output, field: "figure", "matplotlib could not draw it: \(last)")
        }
        guard rename(part, output) == 0 else {
            try? FileManager.default.removeItem(atPath: part)
            throw DataError(
                file: output, field: "--output", "cannot write the figure: \(String(cString: strerror(errno)))")
        }
    }
}
