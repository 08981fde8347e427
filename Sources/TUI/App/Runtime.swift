/// Runs the app: polls input, applies `update`, performs effects and redraws when needed.
/// Everything here happens on the one thread that owns the terminal.
struct Runtime {
    var model: AppModel
    let backend: NcursesBackend

    mutating func run() {
        let (width, height) = backend.size
        _ = update(&model, .resized(width: width, height: height))
        backend.draw(view(model))
        var running = true
        while running {
            guard let msg = backend.poll(timeoutMs: 50) else { continue }
            for effect in update(&model, msg) {
                switch effect {
                case .quit: running = false
                }
            }
            if running { backend.draw(view(model)) }
        }
        backend.close()
    }
}
