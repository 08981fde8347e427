import Foundation
import Pipeline

/// The two lines under the runs table, about the selected run: what chance and the no-model
/// baselines score on its test sessions, then its answers' shape, p against the best baseline
/// and, when its cell was run in several rounds, their spread.
extension ExperimentsScreen {
    static func details(_ row: ExperimentReport.Row, report: ExperimentReport, theme: Theme, width: Int) -> [Line] {
        [testSetLine(row.run, report: report, theme: theme), runLine(row, report: report, theme: theme)].map {
            fit($0, width)
        }
    }

    /// The line cut to `width` columns, ending in "…" where it was cut.
    static func fit(_ line: Line, _ width: Int) -> Line {
        var left = width
        var out: Line = []
        for (index, span) in line.enumerated() {
            let size = DisplayWidth.of(span.text)
            // A span that fills the rest while more follow is cut too, so the "…" shows.
            guard size > left || (size == left && index < line.count - 1) else {
                out.append(span)
                left -= size
                continue
            }
            out.append(Span(DisplayWidth.truncate(span.text + " ", to: left), span.style))
            break
        }
        return out
    }

    /// "chance 0.544 (a random pair, exact) · best no-model same-category 0.500 · food · 2 sessions"
    static func testSetLine(_ run: RunRecord, report: ExperimentReport, theme: Theme) -> Line {
        let chance = report.chance.first {
            $0.domain == run.domain && $0.sessions == run.sessions && $0.testSet == run.testSet
        }
        let best = report.rows.filter { $0.run.isBaseline && $0.run.sharesTests(with: run) }
            .max { $0.metrics.precision < $1.metrics.precision }
        let set = "\(run.domain) · \(counted(run.sessions, "session"))" + (run.testSet.map { " · \($0)" } ?? "")
        return [
            Span("chance ", theme.muted),
            Span(chance.map { String(format: "%.3f", $0.randomPairPrecision) } ?? "-", theme.filter),
            Span(" (a random pair, exact) · ", theme.muted),
        ]
            + (best.map {
                [
                    Span("best no-model \($0.run.method.rawValue) ", theme.muted),
                    Span(String(format: "%.3f", $0.metrics.precision), theme.filter),
                ]
            } ?? [Span("no no-model run", theme.muted)])
            + [Span(" · " + set, theme.muted)]
    }

    /// "#5 · 3 rounds 0.500 ± 0.020 SD, range 0.040 · 1.50 items/bundle · [1,2] share 0.50 ·
    /// p vs same-category 0.031": the spread first, as it says how far the other numbers move.
    static func runLine(_ row: ExperimentReport.Row, report: ExperimentReport, theme: Theme) -> Line {
        var line: Line = [Span("#\(row.run.id ?? 0)", theme.header)]
        if let group = report.replicates.first(where: { $0.runIDs.contains(row.run.id ?? -1) }) {
            line += [
                Span(" · \(group.runIDs.count) rounds ", theme.muted),
                Span(String(format: "%.3f ± %.3f", group.mean, group.sd), theme.filter),
                Span(" SD, range ", theme.muted), Span(String(format: "%.3f", group.range), theme.filter),
            ]
        }
        line += [
            Span(" · ", theme.muted), Span(String(format: "%.2f", row.shape.itemsPerBundle), theme.base),
            Span(" items/bundle · [1,2] share ", theme.muted),
            Span(String(format: "%.2f", row.shape.firstPairShare), theme.base),
        ]
        if let best = row.bestBaseline {
            let p = best.p.map { String(format: "%.3f", $0) + ($0 < 0.05 ? "*" : "") } ?? "-"
            line += [
                Span(" · p vs \(best.run.method.rawValue) ", theme.muted),
                Span(p, (best.p ?? 1) < 0.05 ? theme.filter : theme.base),
            ]
        }
        return line
    }
}
