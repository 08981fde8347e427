/// Mouse handling: clicks select (a tab, a row) and the wheel scrolls; nothing the mouse does
/// starts or deletes anything.
func handleMouse(_ model: inout AppModel, _ event: MouseEvent) -> [Effect] {
    if model.showHelp || model.palette != nil {
        model.showHelp = false
        model.palette = nil
        return []
    }
    if event.y == 0 {
        if event.kind == .press, let tab = tabRanges(model).first(where: { $0.range.contains(event.x) }) {
            model.activeScreen = tab.screen
        }
        return []
    }
    let wheel = event.kind == .wheelUp ? -1 : event.kind == .wheelDown ? 1 : 0
    switch model.activeScreen {
    case .sessions:
        model.sessions.handle(event, layout: SessionsLayout(width: model.width, height: model.height))
    case .extract:
        let layout = ExtractLayout(width: model.width, height: model.height)
        if layout.detail.contains(x: event.x, y: event.y), wheel != 0 {
            _ = model.extract.update(.scroll(wheel), context: model.context)
        } else if wheel != 0 {
            _ = model.extract.update(.move(wheel), context: model.context)
        } else if let row = clickedRow(
            event, rows: layout.callRows, selected: model.extract.list.selected,
            count: model.extract.calls.count)
        {
            _ = model.extract.update(.move(row - model.extract.list.selected), context: model.context)
        }
    case .knowledge:
        let layout = KnowledgeLayout(width: model.width, height: model.height)
        if layout.prompt.contains(x: event.x, y: event.y), wheel != 0 {
            _ = model.knowledge.update(.scrollPrompt(wheel), context: model.context)
        } else if wheel != 0 {
            _ = model.knowledge.update(.move(wheel), context: model.context)
        } else if let row = clickedRow(
            event, rows: layout.listRows, selected: model.knowledge.list.selected,
            count: model.knowledge.rowCount)
        {
            model.knowledge.list.select(row, count: model.knowledge.rowCount)
        }
    case .compare:
        if wheel != 0 { _ = model.compare.update(.scroll(wheel), context: model.context) }
    case .experiments:
        let layout = ExperimentsLayout(width: model.width, height: model.height)
        let count = model.experiments.rows(model.snapshot).count
        if wheel != 0 {
            model.experiments.list.move(by: wheel, count: count)
        } else if let row = clickedRow(
            event, rows: layout.tableRows, selected: model.experiments.list.selected, count: count)
        {
            model.experiments.list.select(row, count: count)
        }
    }
    return []
}

/// The list index under a click, for a list drawn with the selection scrolled into view.
private func clickedRow(_ event: MouseEvent, rows: Rect, selected: Int, count: Int) -> Int? {
    guard event.kind == .press, rows.contains(x: event.x, y: event.y) else { return nil }
    var state = ListState(selected: selected)
    state.scrollIntoView(height: rows.height, count: count)
    let row = state.offset + event.y - rows.y
    return row < count ? row : nil
}
