/// What the runtime needs of a terminal: its size, a frame to show, the next input, and the
/// end. `NcursesBackend` is the real one; `MemoryBackend` plays a script in-process, so the
/// event loop (keys, resizes, the inbox, throttling, quitting) is tested without a terminal.
protocol TerminalBackend: AnyObject {
    var size: (width: Int, height: Int) { get }
    func draw(_ buffer: Buffer)
    /// The next input, waiting up to `timeoutMs`; nil when none came.
    func poll(timeoutMs: Int32) -> Msg?
    func close()
}

extension NcursesBackend: TerminalBackend {}

/// A terminal in memory: `poll` hands out scripted input in order (a resize changes `size`),
/// every `draw` is kept, and `close` is recorded. When the script is used up it answers
/// `quit` so a test can never hang.
final class MemoryBackend: TerminalBackend {
    private(set) var size: (width: Int, height: Int)
    private var script: [Msg]
    private(set) var frames: [Buffer] = []
    private(set) var closed = false
    /// Before each scripted input the script may wait this many idle polls (background work lands).
    private let idleTurns: Int
    private var waited = 0

    init(width: Int, height: Int, script: [Msg], idleTurnsBetweenInputs: Int = 0) {
        size = (width, height)
        self.script = script
        idleTurns = idleTurnsBetweenInputs
    }

    func draw(_ buffer: Buffer) { frames.append(buffer) }

    func poll(timeoutMs: Int32) -> Msg? {
        if waited < idleTurns {
            waited += 1
            return nil
        }
        waited = 0
        guard !script.isEmpty else { return .key(.char("q")) }
        let next = script.removeFirst()
        if case .resized(let width, let height) = next { size = (width, height) }
        return next
    }

    func close() { closed = true }
}
