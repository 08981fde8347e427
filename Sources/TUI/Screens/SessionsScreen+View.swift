import Foundation
import Pipeline

extension SessionsScreen {
    /// Draws the list on the left and the selected session on the right.
    func render(into buffer: inout Buffer, layout: SessionsLayout, theme: Theme, snapshot: WorkspaceSnapshot? = nil) {
        renderList(into: &buffer, area: layout.list, theme: theme)
        renderDetail(into: &buffer, area: layout.detail, theme: theme, snapshot: snapshot)
    }

    private func renderList(into buffer: inout Buffer, area: Rect, theme: Theme) {
        var title = "Sessions \(visibleCount)/\(totalCount)"
        if !filter.isEmpty || isEditingFilter { title += " /\(filter)" }
        if !filterSummary.isEmpty { title += " · \(filterSummary)" }
        let block = Block(title: title, borderStyle: theme.borderFocused, titleStyle: theme.title)
        let (header, inner) = block.render(area, &buffer).splitTop(1)
        guard !inner.isEmpty else { return }
        let columns = listColumns
        buffer.put(
            listLine(
                id: "id", domain: "domain", items: "it", bundles: "b", intent: "first intent",
                columns: columns, width: header.width, styles: (theme.header, theme.header, theme.header)),
            x: header.x, y: header.y, clip: header)
        if visible.isEmpty {
            buffer.put("no session matches \"\(filter)\"", x: inner.x, y: inner.y, style: theme.muted, clip: inner)
            return
        }
        var state = list
        state.scrollIntoView(height: inner.height, count: visible.count)
        let rows = (state.offset..<min(visible.count, state.offset + inner.height)).map { row -> Line in
            let (dataset, session) = entry(atVisibleRow: row)
            return listLine(
                id: session.id, domain: dataset.domain, items: "\(session.itemIDs.count)",
                bundles: "\(session.bundles.count)",
                intent: session.bundles.first?.intent.collapsedWhitespace ?? "",
                columns: columns, width: inner.width, styles: (theme.base, theme.muted, theme.bundle(0)))
        }
        // ListView indexes rows from the offset, so hand it the visible slice with a shifted state.
        ListView(rows: rows, highlight: theme.selected)
            .render(inner, &buffer, state: ListState(selected: state.selected - state.offset, offset: 0))
        if visible.count > inner.height {
            let position = "\(state.selected + 1)/\(visible.count)"
            buffer.put(position, x: area.maxX - 2 - position.count, y: area.maxY - 1, style: theme.muted)
        }
    }

    /// Column widths of the list: ids as wide as the longest; domains only when there are several.
    /// Computed once with the list: measuring 5,550 ids for every frame was a third of a key press.
    static func listColumns(_ datasets: [Dataset]) -> (id: Int, domain: Int) {
        let id = min(10, datasets.flatMap { $0.sessions.map { DisplayWidth.of($0.id) } }.max() ?? 2)
        let domain = datasets.count > 1 ? datasets.map { DisplayWidth.of($0.domain) }.max() ?? 0 : 0
        return (max(2, id), domain == 0 ? 0 : max(6, domain))
    }

    private func listLine(
        id: String, domain: String, items: String, bundles: String, intent: String,
        columns: (id: Int, domain: Int), width: Int,
        styles: (base: Style, muted: Style, intent: Style)
    ) -> Line {
        var line = [Span(DisplayWidth.pad(id, to: columns.id) + " ", styles.base)]
        if columns.domain > 0 { line.append(Span(DisplayWidth.pad(domain, to: columns.domain) + " ", styles.muted)) }
        line.append(
            Span(
                String(repeating: " ", count: max(0, 2 - items.count)) + items + " "
                    + String(repeating: " ", count: max(0, 1 - bundles.count)) + bundles + "  ", styles.base))
        let used = line.displayWidth
        line.append(Span(DisplayWidth.truncate(intent, to: max(0, width - used)), styles.intent))
        return line
    }

    private func renderDetail(into buffer: inout Buffer, area: Rect, theme: Theme, snapshot: WorkspaceSnapshot?) {
        guard let (dataset, session) = selection else {
            Block(title: "Session", borderStyle: theme.border, titleStyle: theme.title).render(area, &buffer)
            return
        }
        let role = dataset.split[session.id].map { " · \($0.rawValue)" } ?? ""
        let inner = Block(
            title: "Session \(session.id) · \(dataset.domain)\(role)",
            borderStyle: theme.border, titleStyle: theme.title
        ).render(area, &buffer)
        guard !inner.isEmpty else { return }
        var lines = detailLines(session, dataset: dataset, width: inner.width, theme: theme)
        if let (run, prediction) = snapshot?.run(for: session, domain: dataset.domain, preferred: runID) {
            let answer = StudentAnswer(prediction, session: session, mode: .paper)
            lines.append([])
            lines.append([
                Span("Student bundles", theme.header),
                Span("  \(WorkspaceSnapshot.label(run))  (r: other run)", theme.muted),
            ])
            lines += answer.lines(theme: theme)
            lines.append([Span(answer.metricsText, theme.muted)])
        }
        let scroll = min(detailScroll, max(0, lines.count - inner.height))
        for (row, line) in lines.dropFirst(scroll).prefix(inner.height).enumerated() {
            buffer.put(line, x: inner.x, y: inner.y + row, clip: inner)
        }
        if lines.count > inner.height {
            let more = scroll + inner.height < lines.count ? "↓ J" : "↑ K"
            buffer.put(more, x: area.maxX - 5, y: area.maxY - 1, style: theme.muted)
        }
    }

    /// The detail pane as lines: summary, one row per item, then the bundles with intents.
    func detailLines(_ session: Session, dataset: Dataset, width: Int, theme: Theme) -> [Line] {
        var summary: [String] = []
        if let user = session.user { summary.append("user \(user)") }
        if let date = session.timestamp { summary.append(ISO8601DateFormatter.day.string(from: date)) }
        if let source = session.sourceID { summary.append("BundleRec \(source)") }
        summary.append(counted(session.itemIDs.count, "item"))
        summary.append(counted(session.bundles.count, "bundle"))
        var lines: [Line] = [[Span(summary.joined(separator: " · "), theme.muted)], []]

        let categoryWidth = min(22, max(10, width / 4))
        let markerWidth = max(8, 3 * session.bundles.count + 1)
        let titleWidth = max(8, width - 4 - 2 - categoryWidth - 1 - markerWidth)
        lines.append([
            Span(
                " #  " + DisplayWidth.pad("Item", to: titleWidth) + "  "
                    + DisplayWidth.pad("Category", to: categoryWidth) + " Bundles", theme.header)
        ])
        for (position, id) in session.itemIDs.enumerated() {
            lines.append(
                itemRow(
                    position: position, item: dataset.item(id), session: session,
                    widths: (titleWidth, categoryWidth), theme: theme))
        }
        lines.append([])
        lines.append([Span("Ground-truth bundles", theme.header)])
        for (index, bundle) in session.bundles.enumerated() {
            let positions = bundle.itemIDs.compactMap { session.itemIDs.firstIndex(of: $0).map { String($0 + 1) } }
            lines.append([
                Span("●\(index + 1) ", theme.bundle(index).patched(with: Style(modifiers: [.bold]))),
                Span(bundle.intent.collapsedWhitespace.nonEmptyOr("(no intent)"), theme.bundle(index)),
                Span("  items \(positions.joined(separator: ", "))", theme.muted),
            ])
        }
        return lines
    }

    private func itemRow(
        position: Int, item: Item, session: Session, widths: (title: Int, category: Int),
        theme: Theme
    ) -> Line {
        let memberships = session.bundleIndices(containing: item.id)
        let titleStyle =
            item.isUntitled
            ? theme.untitled
            : memberships.first.map { theme.bundle($0) } ?? theme.noise
        var line: Line = [
            Span(String(format: "%2d  ", position + 1), theme.muted),
            Span(DisplayWidth.pad(item.displayTitle, to: widths.title) + "  ", titleStyle),
            Span(DisplayWidth.pad(item.leafCategory ?? "—", to: widths.category) + " ", theme.muted),
        ]
        if memberships.isEmpty { line.append(Span("noise", theme.noise)) }
        for index in memberships {
            line.append(Span("●\(index + 1) ", theme.bundle(index)))
        }
        return line
    }
}

extension String {
    func nonEmptyOr(_ fallback: String) -> String { isEmpty ? fallback : self }
}
