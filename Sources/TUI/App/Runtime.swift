import Foundation
import Pipeline

/// Runs the app: polls input, drains the background inbox, applies `update`, performs effects
/// and redraws. Keys redraw at once; background progress redraws at most 30 times a second.
/// Everything here happens on the one thread that owns the terminal.
struct Runtime {
    var model: AppModel
    let backend: any TerminalBackend
    let worker: Worker
    let inbox: Inbox
    /// Shared with a demo driver, which waits on it for work to finish.
    let status: RuntimeStatus
    var trace: FrameTrace?
    var resolveTheme: (String) -> Result<Theme, Error>
    /// Why the app stopped, when it could not go on (the data did not load).
    var failure: String?

    static let frameInterval = 1.0 / 30

    mutating func run() {
        let (width, height) = backend.size
        _ = update(&model, .resized(width: width, height: height))
        draw()
        trace?.firstFrame()
        if model.loading == nil { worker.reload(baselineRunID: nil, mode: .paper) }
        var lastDraw = Date()
        var dirty = false
        var running = true
        while running && !status.quitRequested {
            let idle = model.work == nil && !dirty
            let wait =
                dirty
                ? max(1, Int32((Self.frameInterval - Date().timeIntervalSince(lastDraw)) * 1000)) : (idle ? 100 : 33)
            if let msg = backend.poll(timeoutMs: wait) {
                let started = DispatchTime.now()
                running = process(msg)
                if running {
                    draw()
                    lastDraw = Date()
                    dirty = false
                    if case .key = msg { trace?.key(since: started) }
                }
            }
            for msg in inbox.drain() where running {
                running = process(msg)
                switch msg {
                case .key, .datasetsLoaded:
                    draw()
                    lastDraw = Date()
                    if case .datasetsLoaded = msg { trace?.dataFrame() }
                default: dirty = true
                }
            }
            if running && dirty && Date().timeIntervalSince(lastDraw) >= Self.frameInterval {
                draw()
                lastDraw = Date()
                dirty = false
            }
        }
        backend.close()
        worker.shutdown()
    }

    private func draw() { backend.draw(view(model)) }

    /// Applies one message and performs its effects; false when the app should quit.
    private mutating func process(_ msg: Msg) -> Bool {
        if case .datasetsLoaded(let datasets, _) = msg { worker.datasets = datasets }
        if case .dataLoadFailed(let reason) = msg { failure = reason }
        for effect in update(&model, msg) {
            switch effect {
            case .quit: return false
            case .startExtraction(let stages, let plan): worker.startExtraction(stages: stages, plan: plan)
            case .startGrid(let cells, let testLimit): worker.startGrid(cells: cells, testLimit: testLimit)
            case .cancelWork: worker.cancel()
            case .setPaused(let paused): worker.setPaused(paused)
            case .reloadWorkspace(let baseline, let mode): worker.reload(baselineRunID: baseline, mode: mode)
            case .startAttribution(let run, let sessions): worker.startAttribution(runID: run, sessions: sessions)
            case .saveKnowledgeSet(let draft, let name, let author):
                worker.save(
                    draft, name: name, author: author, baselineRunID: model.experiments.baselineRunID,
                    mode: model.experiments.mode)
            case .notice(let text): _ = update(&model, .notice(text))
            case .loadTheme(let name):
                switch resolveTheme(name) {
                case .success(let theme): _ = update(&model, .themeLoaded(name: name, theme))
                case .failure(let error): _ = update(&model, .notice("\(error)"))
                }
            }
        }
        status.isWorking = model.work != nil
        status.isReady = model.loading == nil
        return true
    }
}

/// What a demo driver may read from the runtime and ask of it, across threads.
final class RuntimeStatus: @unchecked Sendable {
    private let lock = NSLock()
    private var working = false
    private var quit = false
    private var ready = false

    /// True once the data is loaded, so a script's first keys are not lost.
    var isReady: Bool {
        get { lock.withLock { ready } }
        set { lock.withLock { ready = newValue } }
    }

    var isWorking: Bool {
        get { lock.withLock { working } }
        set { lock.withLock { working = newValue } }
    }

    var quitRequested: Bool {
        get { lock.withLock { quit } }
        set { lock.withLock { quit = newValue } }
    }
}

/// Frame timings for the TUI benchmark (BUNDLEKD_TRACE=file): the first frame after the
/// launch time in BUNDLEKD_T0 (ns since the epoch), the milestones before the data frame, and
/// each key press to its drawn frame.
struct FrameTrace: Sendable {
    let handle: FileHandle

    init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let path = environment["BUNDLEKD_TRACE"], !path.isEmpty,
            FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path)
        else { return nil }
        self.handle = handle
        t0 = environment["BUNDLEKD_T0"].flatMap(Double.init)
    }

    private let t0: Double?

    func firstFrame() {
        guard let t0 else { return }
        let now = Date().timeIntervalSince1970 * 1e9
        write("first_frame_ms \((now - t0) / 1e6)")
    }

    /// Moments on the way to the data frame, so the benchmark can say where its time goes.
    enum Milestone: String {
        case workbenchStarted = "run_start"
        case loaderStarted = "load_start"
        /// The data read and prepared on the loader thread (before the frame that shows it).
        case dataLoaded = "data_loaded_ms"
    }

    func reached(_ milestone: Milestone) {
        guard let t0 else { return }
        write("\(milestone.rawValue) \((Date().timeIntervalSince1970 * 1e9 - t0) / 1e6)")
    }

    /// The first frame with the sessions listed.
    func dataFrame() {
        guard let t0 else { return }
        write("data_frame_ms \((Date().timeIntervalSince1970 * 1e9 - t0) / 1e6)")
    }

    func key(since started: DispatchTime) {
        write("key_ms \(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6)")
    }

    private func write(_ line: String) { handle.write(Data((line + "\n").utf8)) }
}
