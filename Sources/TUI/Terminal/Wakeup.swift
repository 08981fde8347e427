import Foundation

/// A self-pipe that ends the backend's wait for input early: a background thread posting a
/// message calls `signal()`, so the UI thread sees it at once instead of after the poll timeout
/// (up to 100 ms when idle: the data loaded in the background waited that long to be shown).
final class Wakeup: Sendable {
    let readEnd: Int32
    private let writeEnd: Int32

    init() throws {
        var ends: [Int32] = [0, 0]
        // Non-blocking, so a full pipe never blocks a poster; close-on-exec, so model servers and
        // trainers do not inherit it.
        guard pipe(&ends) == 0 else {
            throw NcursesBackend.StartFailure(description: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        (readEnd, writeEnd) = (ends[0], ends[1])
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// Safe from any thread; a pipe already holding a byte stays as it is (one wake-up is enough).
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe after a wake-up, so the next wait blocks again.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &buffer, buffer.count) > 0 {}
    }
}
