import Foundation
import Pipeline

/// Applies one message to the model and returns the effects the runtime should perform.
/// Global keys are handled here; the rest goes to the active screen through its key table.
public func update(_ model: inout AppModel, _ msg: Msg) -> [Effect] {
    switch msg {
    case .resized(let width, let height):
        model.width = width
        model.height = height
        model.sessions.layoutChanged(bodyHeight: model.bodyHeight)
        return []
    case .mouse(let event):
        return handleMouse(&model, event)
    case .key(let key):
        let effects = handleKey(&model, key)
        for case .setPaused(let paused) in effects { model.work?.paused = paused }
        return effects
    case .datasetsLoaded(let datasets, let label):
        model.datasets = datasets
        model.sourceLabel = label
        model.loading = nil
        model.sessions = SessionsScreen(datasets: datasets)
        model.sessions.layoutChanged(bodyHeight: model.bodyHeight)
        model.knowledgeChanged()
        return [.reloadWorkspace(baselineRunID: model.experiments.baselineRunID, mode: model.experiments.mode)]
    case .dataLoadFailed:
        return [.quit]  // the runtime reports the reason after closing the terminal
    case .workspaceLoaded(let snapshot):
        model.snapshot = snapshot
        model.sessions.setDifficulty(snapshot.errorRates)
        model.knowledgeChanged()
        let runs = CompareScreen.runs(snapshot)
        if model.compare.runIndex >= runs.count { model.compare.runIndex = 0 }
        model.experiments.list.move(by: 0, count: model.experiments.rows(snapshot).count)
        return []
    case .workStarted(let kind, let detail):
        model.work = WorkState(kind: kind, detail: detail)
        model.notice = nil
        model.extract.started()
        return []
    case .extraction(let event):
        model.extract.handle(event)
        if case .progress = event { model.work?.line = model.extract.totals }
        return []
    case .experiment(let event):
        switch event {
        case .extraction(let inner):
            model.extract.handle(inner)
            if case .progress = inner { model.work?.line = "teacher: " + model.extract.totals }
        case .cellStarted(let cell, let index, let total):
            let label =
                "cell \(index)/\(total) \(cell.formatLabel) \(cell.formats.isEmpty ? "" : "\(cell.strategy.rawValue) \(cell.ratio)")"
            model.work?.cell = label
            model.work?.line = label
        case .sessionDone(let done, let total):
            let label = model.work?.cell ?? ""
            model.work?.line = "\(label) · student \(done)/\(total)"
        case .training(let student, .step(let step)):
            model.work?.line = "training \(student) · \(step.summary)"
        case .training(let student, _):
            model.work?.line = "training \(student)"
        case .cellFinished: break
        }
        return []
    case .workFinished(let kind, let failure):
        model.work = nil
        model.notice = failure.map { "\(kind.rawValue): \($0)" } ?? "\(kind.rawValue) finished"
        return [.reloadWorkspace(baselineRunID: model.experiments.baselineRunID, mode: model.experiments.mode)]
    case .themeLoaded(let name, let theme):
        model.theme = theme
        model.themeName = name
        return []
    case .notice(let text):
        model.notice = text
        return []
    case .serverWaiting(let role, let seconds):
        model.work?.waiting = seconds > 0 ? (role, seconds) : nil
        return []
    case .caption(let text):
        model.caption = text.isEmpty ? nil : text
        return []
    }
}

private func handleKey(_ model: inout AppModel, _ key: Key) -> [Effect] {
    if key == .ctrl("c") { return model.work == nil ? [.quit] : [.cancelWork] }
    if model.showHelp {
        model.showHelp = false
        return key == .char("q") ? [.quit] : []
    }
    if model.palette != nil { return editPalette(&model, key) }
    if model.isTyping { return model.forward(.typed(key)) }
    if let action = GlobalKeys.action(for: key, vimKeys: model.vimKeys), action != .cancelWork || model.work != nil {
        return apply(action, to: &model)
    }
    return model.forward(.key(key))
}

func apply(_ action: GlobalAction, to model: inout AppModel) -> [Effect] {
    switch action {
    case .quit: return [.quit]
    case .help: model.showHelp = true
    case .palette: model.palette = Palette()
    case .nextScreen: model.activeScreen = model.activeScreen.next
    case .previousScreen: model.activeScreen = model.activeScreen.previous
    case .screen(let screen): model.activeScreen = screen
    case .cancelWork: return model.work == nil ? [] : [.cancelWork]
    case .pauseWork:
        guard let work = model.work else { return [] }
        return [.setPaused(!work.paused)]
    }
    return []
}

private func editPalette(_ model: inout AppModel, _ key: Key) -> [Effect] {
    switch key {
    case .escape: model.palette = nil
    case .tab: model.palette?.complete(themeNames: model.themeNames)
    case .backspace:
        if model.palette!.text.isEmpty { model.palette = nil } else { model.palette!.text.removeLast() }
    case .ctrl("u"): model.palette?.text = ""
    case .char(let ch): model.palette?.text.append(ch)
    case .enter:
        guard let command = model.palette?.resolved(themeNames: model.themeNames) else {
            model.notice = "unknown command '\(model.palette?.text ?? "")' (Tab lists the commands)"
            model.palette = nil
            return []
        }
        model.palette = nil
        return run(command, &model)
    default: break
    }
    return []
}

/// Runs a palette command; every one maps onto a key action or an effect.
func run(_ command: String, _ model: inout AppModel) -> [Effect] {
    if let screen = ScreenID(name: command) { model.activeScreen = screen; return [] }
    if command.hasPrefix("theme ") { return [.loadTheme(String(command.dropFirst(6)))] }
    switch command {
    case "extract start":
        model.activeScreen = .extract
        return model.extract.update(.start, context: model.context)
    case "grid start":
        model.activeScreen = .experiments
        return model.experiments.update(.start, context: model.context)
    case "cancel": return apply(.cancelWork, to: &model)
    case "pause": return model.work.map { $0.paused ? [] : [.setPaused(true)] } ?? []
    case "resume": return model.work.map { $0.paused ? [.setPaused(false)] : [] } ?? []
    case "reload":
        return [.reloadWorkspace(baselineRunID: model.experiments.baselineRunID, mode: model.experiments.mode)]
    case "vim":
        model.vimKeys.toggle()
        model.notice = model.vimKeys ? "vim keys on: h l switch screens" : "vim keys off"
    case "help": model.showHelp = true
    case "quit": return [.quit]
    default: break
    }
    return []
}
