import Foundation
import Pipeline

/// Draws the whole model into a fresh buffer: tab bar, active screen, status line, overlays.
public func view(_ model: AppModel) -> Buffer {
    var buffer = Buffer(width: model.width, height: model.height, style: model.theme.base)
    let minimum = AppModel.minimumSize
    guard model.width >= minimum.width, model.height >= minimum.height else {
        renderTooSmall(model, &buffer)
        return buffer
    }
    renderTabBar(model, &buffer)
    let theme = model.theme
    if let loading = model.loading {
        let body = Rect(x: 0, y: 1, width: model.width, height: model.bodyHeight)
        let inner = Block(title: "BundleKD", borderStyle: theme.border, titleStyle: theme.title).render(body, &buffer)
        buffer.put(loading, x: inner.x + 1, y: inner.y + 1, style: theme.muted, clip: inner)
        renderStatusLine(model, &buffer)
        return buffer
    }
    switch model.activeScreen {
    case .sessions:
        model.sessions.render(
            into: &buffer, layout: SessionsLayout(width: model.width, height: model.height),
            theme: theme, snapshot: model.snapshot)
    case .extract:
        model.extract.render(
            into: &buffer, layout: ExtractLayout(width: model.width, height: model.height), theme: theme,
            work: model.work)
    case .knowledge:
        model.knowledge.render(
            into: &buffer, layout: KnowledgeLayout(width: model.width, height: model.height), theme: theme)
    case .compare:
        model.compare.render(
            into: &buffer, area: Rect(x: 0, y: 1, width: model.width, height: model.bodyHeight), theme: theme,
            snapshot: model.snapshot, datasets: model.datasets)
    case .experiments:
        model.experiments.render(
            into: &buffer, layout: ExperimentsLayout(width: model.width, height: model.height), theme: theme,
            snapshot: model.snapshot, work: model.work)
    }
    renderStatusLine(model, &buffer)
    if let palette = model.palette { renderPalette(palette, model, &buffer) }
    if model.showHelp {
        HelpOverlay(theme: theme, screen: model.activeScreen, rows: helpRows(model)).render(buffer.area, &buffer)
    }
    return buffer
}

/// The help of the active screen, from the same tables `update` dispatches through.
func helpRows(_ model: AppModel) -> [(keys: String, action: String)] {
    let rows: [(keys: String, action: String)] =
        switch model.activeScreen {
        case .sessions: SessionsScreen.bindings.helpRows()
        case .extract: ExtractScreen.bindings.helpRows()
        case .knowledge: KnowledgeScreen.bindings.helpRows()
        case .compare: CompareScreen.bindings.helpRows()
        case .experiments: ExperimentsScreen.bindings.helpRows()
        }
    let global = GlobalKeys.bindings.helpRows() + (model.vimKeys ? GlobalKeys.vim.helpRows() : [])
    return rows.filter { !$0.keys.isEmpty } + [("", "")] + global + [
        ("mouse", "click selects a tab or row; the wheel scrolls")
    ]
}

private func renderTooSmall(_ model: AppModel, _ buffer: inout Buffer) {
    let minimum = AppModel.minimumSize
    let lines = [
        "Terminal too small: \(model.width)×\(model.height).",
        "Please enlarge the window to at least \(minimum.width)×\(minimum.height).", "q quits.",
    ]
    // Wrapped, so the notice is whole even 40 columns wide.
    let rows = Paragraph(lines.map { [Span($0, model.theme.error)] }).rows(width: model.width)
    for (row, line) in rows.enumerated() where row < model.height {
        var x = 0
        for span in line {
            buffer.put(span.text, x: x, y: row, style: span.style)
            x += DisplayWidth.of(span.text)
        }
    }
}

/// Where each tab is drawn on the top row; shared by the view and mouse clicks.
func tabRanges(_ model: AppModel) -> [(screen: ScreenID, range: Range<Int>)] {
    var x = 11
    return ScreenID.allCases.map { screen in
        let width = DisplayWidth.of(" \(screen.rawValue) \(screen.title) ")
        defer { x += width + 1 }
        return (screen, x..<(x + width))
    }
}

private func renderTabBar(_ model: AppModel, _ buffer: inout Buffer) {
    let theme = model.theme
    buffer.put(" BundleKD ", x: 0, y: 0, style: theme.title)
    var end = 0
    for (screen, range) in tabRanges(model) {
        let style = screen == model.activeScreen ? theme.tabActive : theme.tabInactive
        end = buffer.put(" \(screen.rawValue) \(screen.title) ", x: range.lowerBound, y: 0, style: style)
    }
    let label = DisplayWidth.truncate(model.sourceLabel, to: max(0, model.width - end - 2))
    guard DisplayWidth.of(label) >= min(8, DisplayWidth.of(model.sourceLabel)) else { return }  // a stub helps nobody
    buffer.put(label, x: model.width - DisplayWidth.of(label) - 1, y: 0, style: theme.muted)
}

private let screenHints: [ScreenID: [(String, String)]] = [
    .sessions: [("↑↓", "move"), ("/", "filter"), ("s", "sort"), ("d", "domain"), ("t", "split"), ("?", "help")],
    .extract: [
        ("prt", "stages"), ("s", "strategy"), ("+-", "ratio"), ("Enter", "start"), ("Space", "pause"), ("?", "help"),
    ],
    .knowledge: [
        ("←→", "list"), ("prt", "format"), ("s", "strategy"), ("+-", "ratio"), ("n", "session"), ("?", "help"),
    ],
    .compare: [("jk", "session"), ("n", "next miss"), ("r", "run"), ("b", "vs run"), ("m", "mode"), ("?", "help")],
    .experiments: [
        ("jk", "run"), ("b", "baseline"), ("c", "chart"), ("prt", "formats"), ("Enter", "grid"), ("?", "help"),
    ],
]

private func renderStatusLine(_ model: AppModel, _ buffer: inout Buffer) {
    let theme = model.theme
    let y = model.height - 1
    let row = Rect(x: 0, y: y, width: model.width, height: 1)
    buffer.clear(row, style: theme.status)
    var line: Line
    if let filter = model.activeFilter, filter.isEditing {
        line = [
            Span(" filter: ", theme.statusKey), Span(filter.text + "▏", theme.status),
            Span("   Enter keep · Esc clear", theme.status),
        ]
    } else if let work = model.work {
        // The Extract screen shows the totals itself; the status bar then says what is running.
        var text =
            work.line.isEmpty || (model.activeScreen == .extract && work.kind == .extraction) ? work.detail : work.line
        if let waiting = work.waiting {
            text = "waiting for the \(waiting.role.rawValue) server (\(waiting.seconds) s) · " + text
        }
        line = [
            Span(work.paused ? " ❚❚ \(work.kind.rawValue) paused " : " ▶ \(work.kind.rawValue) ", theme.working),
            Span(" " + text, theme.status),
        ]
    } else if let caption = model.caption {
        line = [Span(" demo ", theme.working), Span(" " + caption, theme.statusKey)]
    } else if let notice = model.notice {
        line = [Span(" " + notice, theme.statusKey)]
    } else {
        line = (screenHints[model.activeScreen] ?? []).flatMap {
            [Span(" \($0.0)", theme.statusKey), Span(" \($0.1) ", theme.status)]
        }
    }
    let end = buffer.put(line, x: 0, y: y, clip: row)
    let right = model.workspaceLabel
    if !right.isEmpty, end + DisplayWidth.of(right) + 3 <= model.width {
        buffer.put(right + " ", x: model.width - DisplayWidth.of(right) - 1, y: y, style: theme.status)
    }
}

private func renderPalette(_ palette: Palette, _ model: AppModel, _ buffer: inout Buffer) {
    let theme = model.theme
    let matches = palette.matches(themeNames: model.themeNames)
    let shown = Array(matches.prefix(min(10, model.height - 6)))
    let height = shown.count + 3
    let box = Rect(x: 2, y: model.height - 1 - height, width: min(60, model.width - 4), height: height)
    buffer.clear(box, style: theme.base)
    let inner = Block(
        title: "Command · Tab completes · Enter runs · Esc closes", borderStyle: theme.borderFocused,
        titleStyle: theme.title
    ).render(box, &buffer)
    buffer.put([Span(":", theme.filter), Span(palette.text + "▏", theme.base)], x: inner.x, y: inner.y, clip: inner)
    for (index, command) in shown.enumerated() {
        buffer.put("  " + command, x: inner.x, y: inner.y + 1 + index, style: theme.muted, clip: inner)
    }
    if shown.isEmpty {
        buffer.put("  no command starts like this", x: inner.x, y: inner.y + 1, style: theme.error, clip: inner)
    }
}
