import Foundation
import Pipeline

/// Where the Knowledge screen's parts are for a terminal size; shared by view and mouse.
struct KnowledgeLayout {
    let form: Rect
    let list: Rect
    let detail: Rect
    let prompt: Rect

    init(width: Int, height: Int) {
        let body = Rect(x: 0, y: 1, width: width, height: height - 2)
        let (form, rest) = body.splitTop(3)
        let split = rest.splitLeft(width / 2)
        let (list, detail) = split.left.splitBottom(max(5, rest.height / 3))
        self.form = form
        self.list = list
        self.detail = detail
        prompt = split.rest
    }

    /// The list's rows: inside the border, below the column header.
    var listRows: Rect { list.inset(by: 1).splitTop(1).rest }
}

extension KnowledgeScreen {
    func render(into buffer: inout Buffer, layout: KnowledgeLayout, theme: Theme) {
        renderForm(into: &buffer, area: layout.form, theme: theme)
        renderList(into: &buffer, area: layout.list, theme: theme)
        renderDetail(into: &buffer, area: layout.detail, theme: theme)
        renderPrompt(into: &buffer, area: layout.prompt, theme: theme)
    }

    private func renderForm(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let inner = Block(
            title: "Student knowledge · \(domain)", borderStyle: theme.borderFocused, titleStyle: theme.title
        ).render(area, &buffer)
        let line =
            FormatToggles.line(formats, theme: theme) + [
                FormatToggles.separator(theme), Span("\(strategy.rawValue) \(ratio)", theme.filter),
                Span(" = \(counted(sampleKeys.count, "session"))", theme.muted),
            ]
        buffer.put(line, x: inner.x, y: inner.y, clip: inner)
    }

    private func renderList(into buffer: inout Buffer, area: Rect, theme: Theme) {
        var tabs = KnowledgeFormat.allCases.map { $0 == section ? "[\($0.stageName)]" : $0.stageName }.joined(
            separator: " ")
        if !filter.text.isEmpty || filter.isEditing { tabs += " /\(filter.text)" }
        let inner = Block(title: tabs, borderStyle: theme.border, titleStyle: theme.title).render(area, &buffer)
        guard !inner.isEmpty else { return }
        let (header, rows) = inner.splitTop(1)
        let lines: [Line]
        switch section {
        case .pattern:
            // A Δprec column once an attribution measured patterns (a patterns cell's).
            let measured = attribution?.effects.contains { $0.unit.pieces.contains { $0.format == .pattern } } ?? false
            let nameWidth = max(8, inner.width - 21 - (measured ? 8 : 0))
            buffer.put(
                DisplayWidth.pad("pattern (sorted by \(patternSort.title))", to: nameWidth) + "  supp  conf  lift"
                    + (measured ? "   Δprec" : ""),
                x: header.x, y: header.y, style: theme.header, clip: header)
            lines = visiblePatterns.map { row in
                let off = curation.isDisabledPattern(row.line)
                let effect = attribution?.effect(of: KnowledgePiece(format: .pattern, text: row.line))
                let delta = effect.map { KnowledgeEffect.signed($0.precision.mean) } ?? "-"
                return [
                    Span(DisplayWidth.pad((off ? "✗ " : "") + row.names, to: nameWidth), off ? theme.muted : theme.base),
                    Span(String(format: " %5.1f%%", row.support * 100), theme.muted),
                    Span(row.confidence.map { String(format: " %4.0f%%", $0 * 100) } ?? "     -", theme.muted),
                    Span(row.lift.map { String(format: " %5.1f", $0) } ?? "     -", theme.muted),
                    Span(measured ? String(repeating: " ", count: max(0, 8 - delta.count)) + delta : "", theme.muted),
                ]
            }
        case .rule, .thought:
            // The effect column is there once an attribution of this domain's knowledge is.
            let effectWidth = attribution == nil ? 0 : 8
            let textWidth = max(8, inner.width - 2 - effectWidth)
            let title =
                (section == .rule ? "rule" : "session: thought") + (ruleSort == .effect ? ", best effect first" : "")
            buffer.put(
                DisplayWidth.pad("● in the sample   " + title, to: textWidth + 2) + (effectWidth > 0 ? "  Δprec" : ""),
                x: header.x, y: header.y, style: theme.header, clip: header)
            lines = entryRows.map { row in
                let inSample = row.item.map { !Set($0.sessionList).isDisjoint(with: sampleKeys) } ?? false
                let lead = section == .thought ? (row.entry.session.map { $0 + ": " } ?? "") : ""
                let mark = !row.entry.enabled ? "✗ " : row.item == nil || row.entry.text != row.item?.text ? "✎ " : ""
                let text = DisplayWidth.truncate(mark + lead + row.entry.text.collapsedWhitespace, to: textWidth)
                let style = !row.entry.enabled ? theme.muted : inSample || row.item == nil ? theme.base : theme.muted
                let effect = row.effect.map { KnowledgeEffect.signed($0.precision.mean) } ?? "-"
                let effectStyle =
                    (row.effect?.precision.ci.low ?? 0) > 0
                    ? theme.exact : (row.effect?.precision.ci.high ?? 0) < 0 ? theme.partial : theme.muted
                return [
                    Span(inSample ? "● " : "  ", theme.exact), Span(DisplayWidth.pad(text, to: textWidth), style),
                    Span(
                        effectWidth == 0
                            ? "" : String(repeating: " ", count: max(0, effectWidth - effect.count)) + effect,
                        effectStyle),
                ]
            }
        }
        if let input {
            buffer.put(
                DisplayWidth.pad(input.prompt + input.field.text + "▏", to: header.width), x: header.x, y: header.y,
                style: theme.filter, clip: header)
        }
        if lines.isEmpty {
            let hint =
                !filter.text.isEmpty
                ? "nothing matches \"\(filter.text)\""
                : section == .pattern
                    ? "no pattern in this sample" : "none stored yet: extract \(section.stageName) on screen 2"
            buffer.put(hint, x: rows.x, y: rows.y, style: theme.muted, clip: rows)
            return
        }
        var state = list
        state.scrollIntoView(height: rows.height, count: lines.count)
        ListView(
            rows: Array(lines[state.offset..<min(lines.count, state.offset + rows.height)]), highlight: theme.selected
        )
        .render(rows, &buffer, state: ListState(selected: state.selected - state.offset, offset: 0))
    }

    private func renderDetail(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let inner = Block(title: "Provenance", borderStyle: theme.border, titleStyle: theme.title).render(area, &buffer)
        var lines: [Line] = []
        switch section {
        case .pattern:
            let patterns = visiblePatterns
            if list.selected < patterns.count {
                let row = patterns[list.selected]
                lines = [
                    [Span(row.names, theme.base)],
                    [
                        Span(
                            "mined from the sample's ground-truth bundles: \(counted(row.count, "bundle"))",
                            theme.muted)
                    ],
                ]
                if let effect = attribution?.effect(of: KnowledgePiece(format: .pattern, text: row.line)) {
                    lines.append([Span("effect ", theme.header), Span(effect.summary, theme.base)])
                }
            }
        case .rule, .thought:
            let rows = entryRows
            if list.selected < rows.count {
                let row = rows[list.selected]
                // The entry's own line when the analyst changed it; a teacher item's is its provenance below.
                if !row.entry.enabled || row.entry.text != row.item?.text {
                    lines.append([
                        Span("entry ", theme.header),
                        Span(row.entry.provenance + (row.entry.enabled ? "" : ", disabled"), theme.base),
                    ])
                }
                if let effect = row.effect, let run = attribution?.run {
                    lines.append([Span("effect ", theme.header), Span(effect.summary, theme.base)])
                    lines.append([
                        Span(
                            "  over \(counted(effect.sessions, "session")) of #\(run.id ?? 0) \(run.label) · "
                                + "Δrecall \(KnowledgeEffect.signed(effect.recall.mean)) · "
                                + "Δcoverage \(KnowledgeEffect.signed(effect.coverage.mean)) · "
                                + "Δintent \(KnowledgeEffect.signed(effect.intent.mean)) (n \(effect.intentSessions))",
                            theme.muted)
                    ])
                }
                if row.entry.text != row.item?.text {
                    lines += Paragraph(text: row.entry.text, style: theme.base).lines
                }
            }
            if list.selected < rows.count, let item = rows[list.selected].item {
                lines.append([
                    Span("sessions ", theme.header), Span(item.sessionList.joined(separator: ", "), theme.base),
                ])
                if !item.errorList.isEmpty {
                    lines.append([
                        Span("errors ", theme.header), Span(item.errorList.joined(separator: ", "), theme.partial),
                    ])
                }
                lines.append([
                    Span("teacher ", theme.header),
                    Span(
                        "\(item.teacherModel) · calls \(item.callList.map(String.init).joined(separator: ", ")) · \(item.promptTokens)+\(item.completionTokens) tokens",
                        theme.muted),
                ])
                lines += Paragraph(text: item.text, style: theme.base).lines
            }
        }
        Paragraph(lines).render(inner, &buffer)
    }

    private func renderPrompt(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let draft = curation.isEdited ? " · curated draft, \(counted(curation.edits.count, "edit"))" : ""
        let title = "Prompt · \(promptSession ?? "-") · \(promptTokens) tokens\(draft)"
        let inner = Block(title: title, borderStyle: theme.border, titleStyle: theme.title).render(area, &buffer)
        let total = Paragraph(text: prompt, style: theme.base).render(inner, &buffer, scroll: promptScroll)
        if total > inner.height {
            buffer.put("J K", x: area.maxX - 5, y: area.maxY - 1, style: theme.muted)
        }
    }
}
