/// Mouse handling: a click closes an overlay or picks a tab; below the tab bar the active screen
/// decides (clicks select, the wheel scrolls; nothing the mouse does starts or deletes anything).
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
    return model.forward(.mouse(event))
}
