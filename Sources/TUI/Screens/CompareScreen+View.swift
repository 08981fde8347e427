import Foundation
import Pipeline

extension CompareScreen {
    func render(into buffer: inout Buffer, area: Rect, theme: Theme, snapshot: WorkspaceSnapshot?, datasets: [Dataset])
    {
        let runs = Self.runs(snapshot)
        let sessions = sessions(snapshot, datasets: datasets)
        guard runIndex < runs.count, sessionIndex < sessions.count else {
            let inner = Block(title: "Compare", borderStyle: theme.borderFocused, titleStyle: theme.title).render(
                area, &buffer)
            let text =
                snapshot == nil
                ? "reading the workspace…"
                : !runs.isEmpty && !filter.text.isEmpty
                    ? "no session of this run matches \"\(filter.text)\" (Backspace clears)"
                    : "No student run yet. Start one on screen 5 (Enter), or run `bundlekd run` / `bundlekd grid`."
            Paragraph(text: text, style: theme.muted).render(inner, &buffer)
            return
        }
        let (dataset, session) = sessions[sessionIndex]
        let a = answer(snapshot, runAt: runIndex, session: session)!
        let b = answer(snapshot, runAt: otherRunIndex, session: session)
        let title =
            "Compare · \(session.id) (\(sessionIndex + 1)/\(sessions.count)) · \(mode.rawValue) mode"
            + (filter.text.isEmpty && !filter.isEditing ? "" : " · /\(filter.text)")
        let inner = Block(title: title, borderStyle: theme.borderFocused, titleStyle: theme.title).render(area, &buffer)
        guard !inner.isEmpty else { return }
        var lines: [Line] = [
            [Span("A ", theme.header), Span(WorkspaceSnapshot.label(a.0), theme.base), Span("  (r R)", theme.muted)],
            [
                Span("B ", theme.header),
                Span(b.map { WorkspaceSnapshot.label($0.0) } ?? "off", b == nil ? theme.muted : theme.base),
                Span("  (b)", theme.muted),
            ],
        ]
        if b != nil {
            let flipped = flips(snapshot, datasets: datasets)
            let up = flipped.filter { $0.kind == .missToHit }.count
            let here = flipped.first { $0.sessionID == session.id }
            lines.append([
                Span("flips A → B ", theme.header),
                Span("\(up) miss → hit, \(flipped.count - up) hit → miss", theme.base),
                Span(here.map { "  · this session: \($0.kind.rawValue)" } ?? "", theme.partial),
                Span("  (f F)", theme.muted),
            ])
        }
        lines.append([])
        lines += itemTable(session, dataset: dataset, a: a.1, b: b?.1, width: inner.width, theme: theme)
        lines.append([])
        lines.append([Span("Ground truth", theme.header)])
        for (index, bundle) in session.bundles.enumerated() {
            let positions = SessionText.positions(session)[index].sorted().map(String.init).joined(separator: ", ")
            lines.append([
                Span("●\(index + 1) ", theme.bundle(index).patched(with: Style(modifiers: [.bold]))),
                Span(DisplayWidth.pad("", to: 12), theme.base),
                Span("items \(positions)  ", theme.muted),
                Span(bundle.intent.collapsedWhitespace.nonEmptyOr("(no intent)"), theme.bundle(index)),
            ])
        }
        for (label, run, answer) in [("A", a.0, a.1), ("B", b?.0, b?.1)] {
            guard label == "A" || b != nil else { continue }
            lines.append([])
            // A baseline row answers by rule, not by a model: say so where a student is expected.
            let who =
                run?.method.isBaseline == true ? "Baseline \(label) (\(UtilisationMethod.noModel))" : "Student \(label)"
            guard let answer else {
                lines.append([Span(who, theme.header), Span("  did not answer this session", theme.muted)])
                continue
            }
            lines.append([Span(who, theme.header), Span("  " + answer.metricsText, theme.muted)])
            lines += answer.lines(theme: theme, label: label)
        }
        lines += knowledgeLines(a.0, b?.0, session: session, dataset: dataset, snapshot: snapshot, theme: theme)
        lines.append([])
        lines.append(legend(theme))
        let total = Paragraph(lines).render(inner, &buffer, scroll: scroll)
        if total > inner.height { buffer.put("J K", x: area.maxX - 5, y: area.maxY - 1, style: theme.muted) }
    }

    /// One row per item: its title, the ground-truth bundles it is in, and the student bundles
    /// (A, then B) it was put in, each marker coloured by that bundle's category.
    private func itemTable(
        _ session: Session, dataset: Dataset, a: StudentAnswer?, b: StudentAnswer?, width: Int, theme: Theme
    ) -> [Line] {
        func markers(_ answer: StudentAnswer?, label: String, position: Int) -> [Span] {
            guard let answer else { return [] }
            return answer.bundles.enumerated().filter { $0.element.positions.contains(position) }
                .map { Span("\(label)\($0.offset + 1) ", theme.category($0.element.category)) }
        }
        let column = max(6, 3 * session.bundles.count + 1)
        let studentColumn = max(6, 3 * max(a?.bundles.count ?? 0, b?.bundles.count ?? 0) + 1)
        let titleWidth = max(10, width - 4 - column - studentColumn * (b == nil ? 1 : 2) - 2)
        var header = " #  " + DisplayWidth.pad("Item", to: titleWidth) + "  " + DisplayWidth.pad("Truth", to: column)
        header += DisplayWidth.pad("A", to: studentColumn) + (b == nil ? "" : DisplayWidth.pad("B", to: studentColumn))
        var lines: [Line] = [[Span(header, theme.header)]]
        let truth = SessionText.positions(session)
        for (offset, id) in session.itemIDs.enumerated() {
            let position = offset + 1
            let item = dataset.item(id)
            let memberships = truth.indices.filter { truth[$0].contains(position) }
            var line: Line = [
                Span(String(format: "%2d  ", position), theme.muted),
                Span(
                    DisplayWidth.pad(item.displayTitle, to: titleWidth) + "  ",
                    memberships.first.map { theme.bundle($0) } ?? theme.noise),
            ]
            let truthSpans = memberships.map { Span("●\($0 + 1) ", theme.bundle($0)) }
            line +=
                truthSpans + [Span(String(repeating: " ", count: max(0, column - truthSpans.displayWidth)), theme.base)]
            let aSpans = markers(a, label: "A", position: position)
            line += aSpans
            if b != nil {
                line.append(
                    Span(String(repeating: " ", count: max(0, studentColumn - aSpans.displayWidth)), theme.base))
                line += markers(b, label: "B", position: position)
            }
            lines.append(line)
        }
        return lines
    }

    /// The knowledge items in each run's prompt for this session; with B, what only one had.
    private func knowledgeLines(
        _ a: RunRecord, _ b: RunRecord?, session: Session, dataset: Dataset, snapshot: WorkspaceSnapshot?,
        theme: Theme
    ) -> [Line] {
        let stored = snapshot?.knowledge ?? [], sets = snapshot?.knowledgeSets ?? []
        func pieces(_ run: RunRecord) -> [KnowledgePiece] {
            RunComparison.pieces(in: run, session: session, dataset: dataset, stored: stored, sets: sets)
        }
        func names(_ list: [KnowledgePiece], of run: RunRecord) -> String {
            run.method.isBaseline
                ? "no prompt (\(UtilisationMethod.noModel): \(run.method.rawValue))"
                : list.isEmpty
                    ? "none"
                    : list.map { AttributionReport.label(AttributionUnit([$0]), items: stored) }
                        .joined(separator: ", ")
        }
        let inA = pieces(a)
        var lines: [Line] = [[], [Span("Knowledge in the prompts", theme.header)]]
        lines.append([Span("A ", theme.header), Span(names(inA, of: a), theme.base)])
        guard let b else { return lines }
        let inB = pieces(b)
        lines.append([Span("B ", theme.header), Span(names(inB, of: b), theme.base)])
        let onlyA = inA.filter { !inB.contains($0) }, onlyB = inB.filter { !inA.contains($0) }
        if !onlyA.isEmpty || !onlyB.isEmpty {
            lines.append([
                Span("only in A: ", theme.muted), Span(names(onlyA, of: a), theme.partial),
                Span(" · only in B: ", theme.muted), Span(names(onlyB, of: b), theme.exact),
            ])
        }
        return lines
    }

    private func legend(_ theme: Theme) -> Line {
        [Span("categories: ", theme.muted)]
            + BundleErrorCategory.allCases.map { Span($0.rawValue + " ", theme.category($0)) }
    }
}
