import Foundation
import Synchronization

/// SIGTERM (`timeout`, `kill`), SIGHUP (the terminal closed) and, where a command does not turn
/// it into a cancel, SIGINT end the workbench without leaving a child behind: `onSignal` runs
/// first (the TUI asks its loop to quit and restore the terminal), then after `grace` seconds
/// every child still running is stopped and the process exits with 128 + the signal.
/// SIGKILL cannot be caught; the children's parent-death signal covers it.
public enum ExitSignals {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    private static let receivedSignal = Atomic<Int32>(0)

    /// The signal that asked the process to end, if one did.
    public static var received: Int32? {
        let number = receivedSignal.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }

    /// What a job throws when its child ended because this process is ending by a signal: not
    /// the child's failure to report, but the signal's exit (128 + n) to keep.
    public struct Ending: Error, Equatable {
        public let signal: Int32
    }

    /// Throws `Ending` when a signal asked the process to end.
    public static func checkEnding() throws {
        if let received { throw Ending(signal: received) }
    }

    public static func install(
        _ signals: [Int32] = [SIGTERM, SIGHUP, SIGINT], grace: Double = 0,
        onSignal: @escaping @Sendable (Int32) -> Void = { _ in }
    ) {
        for number in signals {
            signal(number, SIG_IGN)  // delivered to the source below instead of killing us at once
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                receivedSignal.store(number, ordering: .relaxed)
                onSignal(number)
                if grace > 0 { Thread.sleep(forTimeInterval: grace) }
                ChildProcess.stopAll()
                exit(128 + number)
            }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }
}
