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
        let rows = try JSONSerialization.jsonObject(with: Data(report.json().utf8))
        let effects = (attribution?.effects ?? []).map { effect -> [String: Any] in
            [
                "label": AttributionReport.label(effect.unit, items: items), "precision": effect.precision.mean,
                "ci": [effect.precision.ci.low, effect.precision.ci.high], "helped": effect.helped,
                "hurt": effect.hurt, "sessions": effect.sessions,
            ]
        }
        let domains = Set(report.rows.map(\.run.domain)).sorted().joined(separator: ", ")
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
            withJSONObject: ["figure": figure.rawValue, "title": title, "rows": rows, "effects": effects],
            options: [.sortedKeys])
    }

    public static var directory: String {
        ProcessInfo.processInfo.environment["FIGURES_DIR"] ?? NSHomeDirectory() + "/.cache/bundlekd/figures"
    }

    /// Draws `payload` into `output` (svg, png or pdf by its extension): written whole or not at all.
    public static func render(_ payload: Data, to output: String, report: @Sendable (String) -> Void) throws {
        let format = (output as NSString).pathExtension.lowercased()
        guard ["svg", "png", "pdf"].contains(format) else {
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
