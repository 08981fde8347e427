import CChild
import Foundation
import Synchronization

/// A model server or trainer the workbench started. Unlike Foundation's `Process` it starts
/// with a clean signal mask and default dispositions, in its own process group, and dies with
/// the workbench whatever ends it (the kernel's parent-death signal, so SIGKILL too); every
/// live child is listed, so a SIGTERM or SIGHUP handler can stop them all before exiting.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    public let executable: String
    private let status = Mutex<Int32?>(nil)

    private static let live = Mutex<[pid_t: ChildProcess]>([:])

    private init(pid: pid_t, executable: String) {
        self.pid = pid
        self.executable = executable
    }

    /// Starts `executable`. `stdin`, `stdout` and `stderr` are descriptors (nil: /dev/null);
    /// `environment` is added to this process's own, over `ChildEnvironment.openMP`, which
    /// every child gets.
    public static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        stdin: Int32? = nil, stdout: Int32? = nil, stderr: Int32? = nil
    ) throws -> ChildProcess {
        let null = open("/dev/null", O_RDWR)
        defer { close(null) }
        let merged = ProcessInfo.processInfo.environment.merging(ChildEnvironment.openMP) { $1 }
            .merging(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        let fds = (stdin ?? null, stdout ?? null, stderr ?? null)
        // The parent-death signal follows the *thread* that forked, so every fork happens on
        // one thread that lives as long as the process.
        let (pid, error) = Spawner.shared.run { () -> (pid_t, Int32) in
            let pid = bk_spawn(executable, argv, envp, fds.0, fds.1, fds.2, 1)
            return (pid, errno)
        }
        guard pid > 0 else {
            throw LLMError.notConfigured("cannot start \(executable): \(String(cString: strerror(error)))")
        }
        let child = ChildProcess(pid: pid, executable: executable)
        live.withLock { $0[pid] = child }
        return child
    }

    /// The exit status once it ended (128 + n for signal n), nil while it runs.
    /// A live process's peak resident memory (VmHWM in /proc/PID/status), in bytes.
    public static func peakResidentBytes(pid: pid_t) -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int64(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }

    public var exitStatus: Int32? { reap(blocking: false) }

    public var isRunning: Bool { exitStatus == nil }

    /// Blocks until the child ends; returns its exit status.
    @discardableResult
    public func waitUntilExit() -> Int32 { reap(blocking: true) ?? -1 }

    /// Waits on a thread of its own, so no task of the cooperative pool blocks.
    public func exit() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.waitUntilExit()) }.start()
        }
    }

    /// SIGTERM to its process group, then SIGKILL after `grace` seconds; waits for the end.
    public func stop(grace: Double = 5) {
        guard isRunning else { return }
        Foundation.kill(-pid, SIGTERM)
        Foundation.kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while isRunning && Date() < deadline { usleep(20_000) }
        if isRunning {
            Foundation.kill(-pid, SIGKILL)
            Foundation.kill(pid, SIGKILL)
        }
        waitUntilExit()
    }

    /// Stops every child still running (from a SIGTERM/SIGHUP/SIGINT handler before exiting).
    public static func stopAll(grace: Double = 3) {
        let children = live.withLock { Array($0.values) }
        children.forEach { Foundation.kill(-$0.pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(grace)
        while children.contains(where: \.isRunning) && Date() < deadline { usleep(20_000) }
        children.forEach { $0.stop(grace: 0) }
    }

    private func reap(blocking: Bool) -> Int32? {
        if let known = status.withLock({ $0 }) { return known }
        var raw: Int32 = 0
        let result = waitpid(pid, &raw, blocking ? 0 : WNOHANG)
        if result == pid {
            // WIFEXITED / WTERMSIG spelled out: the C macros do not reach Swift.
            let signal = raw & 0x7f
            let code = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
            status.withLock { $0 = code }
            Self.live.withLock { _ = $0.removeValue(forKey: pid) }
            return code
        }
        if result == -1 && errno == EINTR && blocking { return reap(blocking: true) }
        if result == -1 {  // reaped elsewhere: it is gone either way
            let code = status.withLock { state -> Int32 in
                if state == nil { state = -1 }
                return state!
            }
            Self.live.withLock { _ = $0.removeValue(forKey: pid) }
            return code
        }
        return nil
    }
}

/// One thread that lives as long as the process and runs every fork.
private final class Spawner: @unchecked Sendable {
    static let shared = Spawner()
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    private init() {
        let thread = Thread { [self] in loop() }
        thread.name = "bundlekd-spawner"
        thread.start()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    func run<T>(_ job: @escaping () -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: T?
        condition.lock()
        jobs.append {
            result = job(); done.signal()
        }
        condition.signal()
        condition.unlock()
        done.wait()
        return result!
    }
}
