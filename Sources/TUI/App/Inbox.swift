import Foundation

/// Messages from background work to the UI thread, which drains them between key presses.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [Msg] = []
    /// Called after each post, from the posting thread: wakes the UI thread's wait for input.
    private let posted: @Sendable () -> Void

    init(posted: @escaping @Sendable () -> Void = {}) { self.posted = posted }

    func post(_ message: Msg) {
        lock.withLock { messages.append(message) }
        posted()
    }

    func drain() -> [Msg] {
        lock.withLock {
            defer { messages.removeAll(keepingCapacity: true) }
            return messages
        }
    }
}

/// Holds requests back while paused; requests in flight finish, the next one waits here.
actor PauseGate {
    private var paused = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func set(paused: Bool) {
        self.paused = paused
        if !paused {
            waiting.forEach { $0.resume() }
            waiting.removeAll()
        }
    }

    func wait() async {
        guard paused else { return }
        await withCheckedContinuation { waiting.append($0) }
    }
}
