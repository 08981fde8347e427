import Pipeline

/// What a screen may read of the rest of the app while it handles an action: every screen's
/// `update(_:context:)` takes this one value, so the dispatcher needs no per-screen arguments.
struct ScreenContext {
    let datasets: [Dataset]
    let snapshot: WorkspaceSnapshot?
    let work: WorkState?
    let width: Int
    let height: Int
    /// Rows between the tab bar and the status line.
    let bodyHeight: Int

    init(_ model: AppModel) {
        datasets = model.datasets
        snapshot = model.snapshot
        work = model.work
        width = model.width
        height = model.height
        bodyHeight = model.bodyHeight
    }
}

extension AppModel {
    var context: ScreenContext { ScreenContext(self) }
}
