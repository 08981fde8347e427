/// Applies one message to the model and returns the effects the runtime should perform.
/// Global keys are handled here; the rest goes to the active screen.
public func update(_ model: inout AppModel, _ msg: Msg) -> [Effect] {
    switch msg {
    case .resized(let width, let height):
        model.width = width
        model.height = height
        model.sessions.layoutChanged(bodyHeight: model.bodyHeight)
        return []
    case .mouse(let event):
        if model.showHelp { model.showHelp = false; return [] }
        model.sessions.handle(event, layout: SessionsLayout(width: model.width, height: model.height))
        return []
    case .key(let key):
        return handleKey(&model, key)
    }
}

private func handleKey(_ model: inout AppModel, _ key: Key) -> [Effect] {
    if key == .ctrl("c") { return [.quit] }
    if model.showHelp {
        if key == .char("q") { return [.quit] }
        model.showHelp = false
        return []
    }
    if !model.isTyping {
        switch key {
        case .char("q"): return [.quit]
        case .char("?"), .function(1):
            model.showHelp = true
            return []
        case .char(let ch) where ch.wholeNumberValue.flatMap(ScreenID.init(rawValue:)) != nil:
            model.activeScreen = ScreenID(rawValue: ch.wholeNumberValue!)!
            return []
        case .tab, .backTab:
            return []   // one screen so far; later screens cycle here
        default: break
        }
    }
    switch model.activeScreen {
    case .sessions:
        model.sessions.handle(key, bodyHeight: model.bodyHeight)
    }
    return []
}
