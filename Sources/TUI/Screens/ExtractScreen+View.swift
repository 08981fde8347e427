import Foundation
import Pipeline

/// Where the Extract screen's parts are for a terminal size; shared by view and mouse.
struct ExtractLayout {
    let form: Rect
    let calls: Rect
    let detail: Rect
    let totals: Rect

    init(width: Int, height: Int) {
        let body = Rect(x: 0, y: 1, width: width, height: height - 2)
        let (form, rest) = body.splitTop(4)
        let (main, totals) = rest.splitBottom(1)
        let split = main.splitLeft(min(40, max(28, width / 3)))
        self.form = form
        calls = split.left
        detail = split.rest
        self.totals = totals
    }

    var callRows: Rect { calls.inset(by: 1) }
}

extension ExtractScreen {
    func render(into buffer: inout Buffer, layout: ExtractLayout, theme: Theme, work: WorkState?) {
        renderForm(into: &buffer, area: layout.form, theme: theme, work: work)
        renderCalls(into: &buffer, area: layout.calls, theme: theme)
        renderDetail(into: &buffer, area: layout.detail, theme: theme)
        let running = work?.kind == .extraction && progress == nil
        buffer.put(
            DisplayWidth.truncate(" " + (running ? "waiting for the first step…" : totals), to: layout.totals.width),
            x: layout.totals.x, y: layout.totals.y,
            style: theme.muted, clip: layout.totals)
    }

    private func renderForm(into buffer: inout Buffer, area: Rect, theme: Theme, work: WorkState?) {
        let inner = Block(title: "Teacher extraction", borderStyle: theme.borderFocused, titleStyle: theme.title)
            .render(area, &buffer)
        guard !inner.isEmpty else { return }
        let line =
            FormatToggles.line(stages, theme: theme) + [
                FormatToggles.separator(theme), Span(strategy.rawValue, theme.filter),
                FormatToggles.separator(theme), Span("ratio ", theme.header), Span(String(ratio), theme.filter),
                FormatToggles.separator(theme),
                Span(limit.map { counted($0, "session") } ?? "all sessions", theme.filter),
            ]
        buffer.put(line, x: inner.x, y: inner.y, clip: inner)
        let state: Line
        if let work, work.kind == .extraction {
            state = [
                Span(work.paused ? " PAUSED " : " RUNNING ", theme.working),
                Span(work.paused ? "  Space resumes · Esc cancels" : "  Space pauses · Esc cancels", theme.muted),
            ]
        } else if work != nil {
            state = [Span("other work is running; wait or Esc to cancel it", theme.muted)]
        } else {
            state = [
                Span("p r t stages · s strategy · + - ratio · n sessions · ", theme.muted),
                Span("Enter starts", theme.filter),
            ]
        }
        buffer.put(state, x: inner.x, y: inner.y + 1, clip: inner)
    }

    private func renderCalls(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let title = "Calls \(calls.count)" + (follow ? " · following" : "")
        let inner = Block(title: title, borderStyle: theme.border, titleStyle: theme.title).render(area, &buffer)
        guard !inner.isEmpty else { return }
        if calls.isEmpty {
            let text = notes.last ?? "nothing yet"
            buffer.put(
                DisplayWidth.truncate(text, to: inner.width), x: inner.x, y: inner.y, style: theme.muted, clip: inner)
            return
        }
        var state = list
        state.scrollIntoView(height: inner.height, count: calls.count)
        let rows = (state.offset..<min(calls.count, state.offset + inner.height)).map { index -> Line in
            let call = calls[index]
            let (mark, style): (String, Style) =
                switch call.status {
                case .streaming: ("… ", theme.filter)
                case .parsed: ("✓ ", theme.exact)
                case .failed: ("✗ ", theme.error)
                case .resumed: ("↺ ", theme.muted)
                }
            return [
                Span(mark, style), Span(DisplayWidth.pad(call.stage.stageName, to: 9), theme.base),
                Span(call.session ?? "(all sessions)", theme.muted),
            ]
        }
        ListView(rows: rows, highlight: theme.selected)
            .render(inner, &buffer, state: ListState(selected: state.selected - state.offset, offset: 0))
    }

    private func renderDetail(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard let call = selectedCall else {
            let inner = Block(title: "Call", borderStyle: theme.border, titleStyle: theme.title).render(area, &buffer)
            Paragraph(text: notes.suffix(max(1, inner.height)).joined(separator: "\n"), style: theme.muted).render(
                inner, &buffer)
            return
        }
        let inner = Block(
            title: "\(call.stage.stageName) · \(call.session ?? "all sessions")", borderStyle: theme.border,
            titleStyle: theme.title
        ).render(area, &buffer)
        guard !inner.isEmpty else { return }
        var lines: [Line] = []
        if call.status == .resumed {
            lines.append([Span("Done in an earlier run: resumed from the workspace, no call made.", theme.muted)])
        } else if showPrompt {
            lines.append([
                Span("▾ Prompt", theme.header), Span("  (\(call.prompt.count) characters · c collapses)", theme.muted),
            ])
            lines += Paragraph(text: call.prompt, style: theme.muted).lines
            lines.append([])
        } else {
            lines.append([
                Span("▸ Prompt", theme.header), Span("  (\(call.prompt.count) characters · c shows)", theme.muted),
            ])
        }
        switch call.status {
        case .streaming:
            lines.append([Span("Teacher", theme.header), Span("  streaming…", theme.filter)])
            lines += Paragraph(text: call.text, style: theme.base).lines
        case .parsed(let summary):
            lines.append([Span("Teacher", theme.header), Span("  done", theme.exact)])
            lines += Paragraph(text: Self.formatted(call.text), style: theme.base).lines
            lines.append([])
            lines.append([Span("Parsed ", theme.header), Span(summary, theme.exact)])
        case .failed(let reason):
            lines += Paragraph(text: call.text, style: theme.base).lines
            lines.append([Span("Failed ", theme.error), Span(reason, theme.error)])
        case .resumed: break
        }
        let paragraph = Paragraph(lines)
        // While streaming (and not scrolled by hand) the newest text stays in view.
        let total = paragraph.rows(width: inner.width).count
        let scroll = detailScroll ?? max(0, total - inner.height)
        paragraph.render(inner, &buffer, scroll: scroll)
    }

    /// JSON answers pretty-printed once complete; anything else as it came.
    static func formatted(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{") || trimmed.hasPrefix("["),
            let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)),
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]),
            let pretty = String(data: data, encoding: .utf8)
        else { return text }
        return pretty
    }
}
