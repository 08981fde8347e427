import Foundation
import Pipeline

/// Where the Experiments screen's parts are for a terminal size; shared by view and mouse.
struct ExperimentsLayout {
    let form: Rect
    let table: Rect
    let chart: Rect

    init(width: Int, height: Int) {
        let body = Rect(x: 0, y: 1, width: width, height: height - 2)
        let (form, rest) = body.splitTop(4)
        let (table, chart) = rest.splitBottom(rest.height * 2 / 5)
        self.form = form
        self.table = table
        self.chart = chart
    }

    /// The table's run rows: below its header, above the detail lines.
    var tableRows: Rect { table.inset(by: 1).splitTop(1).rest.splitBottom(detailHeight).rest }

    /// Two lines under the runs: chance on the selected run's test set, and that run's shape,
    /// p against the best no-model baseline and the spread of its rounds.
    var details: Rect { table.inset(by: 1).splitTop(1).rest.splitBottom(detailHeight).bottom }

    private var detailHeight: Int { table.height >= 7 ? 2 : 0 }
}

extension ExperimentsScreen {
    func render(
        into buffer: inout Buffer, layout: ExperimentsLayout, theme: Theme, snapshot: WorkspaceSnapshot?,
        work: WorkState?
    ) {
        let rows = self.rows(snapshot)
        renderForm(into: &buffer, area: layout.form, theme: theme, work: work)
        renderTable(rows, into: &buffer, layout: layout, theme: theme, loaded: snapshot != nil)
        if let report = snapshot?.report, list.selected < rows.count {
            for (offset, line) in Self.details(
                rows[list.selected], report: report, theme: theme, width: layout.details.width
            ).enumerated()
            where offset < layout.details.height {
                buffer.put(line, x: layout.details.x, y: layout.details.y + offset, clip: layout.details)
            }
        }
        renderChart(rows, chance: snapshot?.report?.chance ?? [], into: &buffer, area: layout.chart, theme: theme)
    }

    private func renderForm(into buffer: inout Buffer, area: Rect, theme: Theme, work: WorkState?) {
        let inner = Block(title: "Next grid", borderStyle: theme.borderFocused, titleStyle: theme.title).render(
            area, &buffer)
        let line =
            [Span("none ", theme.base)] + FormatToggles.line(formats, theme: theme) + [
                FormatToggles.separator(theme), Span(strategy.rawValue, theme.filter),
                FormatToggles.separator(theme), Span("ratios ", theme.header),
                Span(ratios.map { String($0) }.joined(separator: ","), theme.filter),
                FormatToggles.separator(theme),
                Span(testLimit.map { counted($0, "test") } ?? "all tests", theme.filter),
            ]
        buffer.put(line, x: inner.x, y: inner.y, clip: inner)
        let state: Line =
            if let work, work.kind == .grid {
                [Span(" RUNNING ", theme.working), Span("  \(work.line)", theme.muted)]
            } else {
                [
                    Span(
                        "\(cells.count) cells per domain, \(allMethods.map(\.rawValue).joined(separator: " + ")) · ",
                        theme.muted),
                    Span("Enter starts", theme.filter),
                    Span(" · b baseline · m mode · c chart", theme.muted),
                ]
            }
        buffer.put(state, x: inner.x, y: inner.y + 1, clip: inner)
    }

    private func renderTable(
        _ rows: [ExperimentReport.Row], into buffer: inout Buffer, layout: ExperimentsLayout, theme: Theme,
        loaded: Bool
    ) {
        let area = layout.table
        let filterText = !filter.text.isEmpty || filter.isEditing ? " · /\(filter.text)" : ""
        let inner = Block(
            title: "Runs · \(mode.rawValue) mode · 95% CIs · p vs baseline\(filterText)", borderStyle: theme.border,
            titleStyle: theme.title
        ).render(area, &buffer)
        guard !inner.isEmpty else { return }
        let header = inner.splitTop(1).top, body = layout.tableRows
        let wide = inner.width >= 120
        buffer.put(Self.header(wide: wide), x: header.x, y: header.y, style: theme.header, clip: header)
        guard !rows.isEmpty else {
            let text =
                loaded
                ? "No run yet: set the grid above and press Enter, or use `bundlekd grid`." : "reading the workspace…"
            buffer.put(text, x: body.x, y: body.y, style: theme.muted, clip: body)
            return
        }
        var state = list
        state.scrollIntoView(height: body.height, count: rows.count)
        let lines = rows[state.offset..<min(rows.count, state.offset + body.height)].map { row -> Line in
            // "base": the run the p column compares with, the zero-shot icl run unless one was
            // chosen with b (a no-model baseline is dimmed instead).
            let isReference =
                row.pValue == nil
                && (baselineRunID == nil
                    ? row.run.isZeroShot && row.run.method == .icl : row.run.id == baselineRunID)
            let significance =
                row.pValue.map { String(format: "%.3f", $0) + ($0 < 0.05 ? "*" : " ") }
                ?? (isReference ? "base  " : "-     ")
            return [
                Span(Self.cells(row, wide: wide), row.run.isBaseline ? theme.muted : theme.base),
                Span(significance, (row.pValue ?? 1) < 0.05 ? theme.filter : theme.muted),
                Span(wide ? "  " + Self.cost(row) : "", theme.base),
            ]
        }
        ListView(rows: lines, highlight: theme.selected)
            .render(body, &buffer, state: ListState(selected: state.selected - state.offset, offset: 0))
    }

    static func header(wide: Bool) -> String {
        let metrics =
            wide ? "precision [95% CI]   recall [95% CI]      coverage [95% CI]    " : "precision [CI]    recall cover "
        return pad("domain", 11, wide) + pad("formats", 9) + pad("strategy", wide ? 11 : 7) + pad("ratio", wide ? 6 : 5)
            + pad("method", wide ? 15 : 8)
            + metrics + pad("n", wide ? 5 : 4) + pad("tokens", wide ? 8 : 7)
            + (wide ? pad("p", 6) + "  " + pad("×teacher", 9) + pad("calls", 6) + "s/sess" : "p")
    }

    /// The wide layout's cost columns: precision as a share of the teacher's, calls and seconds per session.
    static func cost(_ row: ExperimentReport.Row) -> String {
        pad(row.teacherRatio.map { String(format: "%.2f", $0.value) } ?? "-", 9)
            + pad(String(format: "%.1f", row.efficiency.calls), 6)
            + (row.efficiency.seconds.map { String(format: "%.1f", $0) } ?? "-")
    }

    static func cells(_ row: ExperimentReport.Row, wide: Bool) -> String {
        let run = row.run, m = row.metrics
        func ci(_ value: Double, _ interval: Significance.Interval) -> String {
            String(format: "%.3f [%.2f,%.2f]", value, interval.low, interval.high)
        }
        let metrics =
            wide
            ? pad(ci(m.precision, row.precisionCI), 21) + pad(ci(m.recall, row.recallCI), 21)
                + pad(ci(m.coverage, row.coverageCI), 21)
            : pad(ci(m.precision, row.precisionCI), 18) + String(format: "%.3f  %.3f ", m.recall, m.coverage)
        return pad(run.domain, 11, wide) + cell(run, wide: wide) + metrics
            + pad("\(m.evaluated.count)", wide ? 5 : 4)
            + pad(compact(run.studentPromptTokens + run.studentCompletionTokens + run.teacherTokens), wide ? 8 : 7)
    }

    /// Formats, strategy, ratio and method. A no-model baseline says so in the formats column;
    /// at 80 columns its method spans strategy, ratio and method (20 cells: "same-category"),
    /// with mined-pairs' ratio after it. A later round is marked " r2", " r3", ….
    static func cell(_ run: RunRecord, wide: Bool) -> String {
        let none = run.isZeroShot
        let line = run.formatLine == .standard ? "" : " \(run.formatLine.rawValue)"
        let method = run.method.rawValue + line + (run.round > 0 ? " r\(run.round + 1)" : "")
        let formats = pad(run.isBaseline ? UtilisationMethod.noModel : run.formats.label, 9)
        if run.isBaseline, !wide {
            return formats + pad(method + (none ? "" : " \(run.ratio)"), 20)
        }
        return formats + pad(none ? "-" : run.strategy.rawValue, wide ? 11 : 7)
            + pad(none ? "-" : String(run.ratio), wide ? 6 : 5) + pad(method, wide ? 15 : 8)
    }

    static func pad(_ text: String, _ width: Int, _ shown: Bool = true) -> String {
        shown ? DisplayWidth.pad(DisplayWidth.truncate(text, to: width - 1), to: width) : ""
    }

    static func compact(_ count: Int) -> String {
        count >= 1_000_000
            ? String(format: "%.1fM", Double(count) / 1e6)
            : count >= 1000 ? String(format: "%.1fk", Double(count) / 1e3) : "\(count)"
    }
}
