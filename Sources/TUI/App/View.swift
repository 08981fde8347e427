/// Draws the whole model into a fresh buffer: tab bar, active screen, status line, overlays.
public func view(_ model: AppModel) -> Buffer {
    var buffer = Buffer(width: model.width, height: model.height, style: model.theme.base)
    let minimum = AppModel.minimumSize
    guard model.width >= minimum.width, model.height >= minimum.height else {
        renderTooSmall(model, &buffer)
        return buffer
    }
    renderTabBar(model, &buffer)
    switch model.activeScreen {
    case .sessions:
        model.sessions.render(into: &buffer, layout: SessionsLayout(width: model.width, height: model.height),
                              theme: model.theme)
    }
    renderStatusLine(model, &buffer)
    if model.showHelp { HelpOverlay(theme: model.theme).render(buffer.area, &buffer) }
    return buffer
}

private func renderTooSmall(_ model: AppModel, _ buffer: inout Buffer) {
    let minimum = AppModel.minimumSize
    let lines = ["Terminal too small: \(model.width)×\(model.height).",
                 "Need at least \(minimum.width)×\(minimum.height). q quits."]
    for (row, line) in lines.enumerated() where row < model.height {
        buffer.put(line, x: 0, y: row, style: model.theme.error)
    }
}

private func renderTabBar(_ model: AppModel, _ buffer: inout Buffer) {
    let theme = model.theme
    var x = buffer.put(" BundleKD ", x: 0, y: 0, style: theme.title)
    for screen in ScreenID.allCases {
        let style = screen == model.activeScreen ? theme.tabActive : theme.tabInactive
        x = buffer.put(" \(screen.rawValue) \(screen.title) ", x: x + 1, y: 0, style: style)
    }
    let label = DisplayWidth.truncate(model.sourceLabel, to: max(0, model.width - x - 2))
    buffer.put(label, x: model.width - DisplayWidth.of(label) - 1, y: 0, style: theme.muted)
}

private func renderStatusLine(_ model: AppModel, _ buffer: inout Buffer) {
    let theme = model.theme
    let y = model.height - 1
    buffer.clear(Rect(x: 0, y: y, width: model.width, height: 1), style: theme.status)
    let screen = model.sessions
    let line: Line
    if screen.isEditingFilter {
        line = [Span(" filter: ", theme.statusKey), Span(screen.filter + "▏", theme.status),
                Span("   Enter keep · Esc clear", theme.status)]
    } else {
        let pairs = [("↑↓/jk", "move"), ("/", "filter"), ("J/K", "scroll"), ("?", "help"), ("q", "quit")]
        line = pairs.flatMap { [Span(" \($0.0)", theme.statusKey), Span(" \($0.1) ", theme.status)] }
    }
    buffer.put(line, x: 0, y: y, clip: Rect(x: 0, y: y, width: model.width, height: 1))
}
