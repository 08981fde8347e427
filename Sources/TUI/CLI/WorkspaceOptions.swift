import ArgumentParser
import Foundation
import Synchronization
import Pipeline

/// Where the workspace lives and how LLM calls use the cache; shared by every command that
/// talks to a model.
struct WorkspaceOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: "The workspace configuration file (endpoints, database; default: bundlekd.toml).")
    var configFile: String?

    /// The configuration's path: the named file, else `bundlekd.toml` here, which may be absent
    /// (every key has a default) — a file named on the command line may not.
    var config: String { configFile ?? "bundlekd.toml" }

    func validate() throws {
        if let configFile, !FileManager.default.fileExists(atPath: configFile) {
            throw ValidationError("--config \(configFile): no such file")
        }
    }

    @Option(help: "The workspace database; default: the config's 'database', beside the config file.")
    var database: String?

    @Flag(help: "Send every request even when the workspace cache has its answer (the answer is still logged).")
    var noCache = false

    func loadConfig() throws -> WorkspaceConfig {
        try WorkspaceConfig.load(path: config)
    }

    func databasePath(_ config: WorkspaceConfig) -> String {
        if let database { return database }
        if config.database.hasPrefix("/") { return config.database }
        let folder = (self.config as NSString).deletingLastPathComponent
        return folder.isEmpty ? config.database : (folder as NSString).appendingPathComponent(config.database)
    }

    func openWorkspace(_ config: WorkspaceConfig) throws -> Workspace {
        try Workspace(path: databasePath(config))
    }

    /// The workspace of a command that only reads it, or that refuses unless it names something
    /// stored there (a run, a sample, a student): a missing file is said in one line instead of
    /// created empty, so a refused or read-only command leaves the folder as it was.
    func openExistingWorkspace(_ config: WorkspaceConfig) throws -> Workspace {
        try requireWorkspace(config)
        return try openWorkspace(config)
    }

    /// Throws the one line `openExistingWorkspace` gives when the workspace file is missing.
    func requireWorkspace(_ config: WorkspaceConfig) throws {
        let path = databasePath(config)
        guard FileManager.default.fileExists(atPath: path) else {
            throw DataError(
                file: path, field: nil,
                "no workspace here yet (a grid, run, extract or llm chat creates it; --database names another)")
        }
    }
}

/// The CLI's way into an LLM session: the workspace of the command's options, notices and
/// "waiting for the server" on the status line of stderr.
extension LLMSession {
    static func run<T>(
        _ options: WorkspaceOptions, roles: [LLMRole], _ body: (LLMGateway) async throws -> T
    ) async throws -> T {
        let config = try options.loadConfig()
        // A configured model that is not there is said before the workspace is even opened.
        for server in roles.compactMap(config.localServer) {
            try LocalServerStarter.checkModel(LocalServer(settings: server))
        }
        return try await run(
            config: config, workspace: try options.openWorkspace(config), report: toStandardError,
            waiting: waitingOnStandardError, body)
    }

    /// Notices go to stderr on a fresh line (a progress bar may be on the current one).
    static let toStandardError: @Sendable (String) -> Void = { StatusLine.print("bundlekd: \($0)") }

    /// A request still waiting for its first token is shown on the status line every 5 s (on a
    /// terminal; in a log every 30 s), so a slow or queued server is never 60 s of silence. In a
    /// log one line per role and 30 s says it, however many requests wait at once.
    static let waitingOnStandardError: @Sendable (LLMRole, Int) -> Void = { role, seconds in
        guard seconds > 0, seconds % 5 == 0 else { return }
        let line = "waiting for the \(role.rawValue) server (\(seconds) s)"
        if StatusLine.isTerminal {
            StatusLine.redraw(line)
        } else if seconds % 30 == 0, WaitingLog.due(role) {
            StatusLine.print("bundlekd: " + line)
        }
    }
}

/// The end of every async command: SIGTERM and SIGHUP (and SIGINT, unless `cancelOnInterrupt`)
/// stop the children and exit 128 + n; with `cancelOnInterrupt`, Ctrl-C cancels the work instead,
/// so resumable commands keep everything finished and exit 130. Expected failures are one line.
func runCommand(
    cancelOnInterrupt: Bool = false,
    resumeHint: String = "; finished steps are stored, run the same command again to resume",
    _ body: @escaping @Sendable () async throws -> Void
) async throws {
    ExitSignals.install(cancelOnInterrupt ? [SIGTERM, SIGHUP] : [SIGTERM, SIGHUP, SIGINT]) { number in
        if number == SIGINT { StatusLine.print("bundlekd: interrupted") }
    }
    let task = Task { try await body() }
    var interrupt: DispatchSourceSignal?
    if cancelOnInterrupt {
        signal(SIGINT, SIG_IGN)
        interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt?.setEventHandler { task.cancel() }
        interrupt?.resume()
    }
    defer { interrupt?.cancel() }
    let resume = cancelOnInterrupt ? resumeHint : ""
    do {
        try await task.value
    } catch let ending as ExitSignals.Ending {
        throw ExitCode(128 + ending.signal)  // the handler prints and exits the same way; whichever is first
    } catch let error where error is CancellationError || task.isCancelled {
        StatusLine.keepAndPrint("bundlekd: interrupted\(resume)")
        throw ExitCode(130)
    } catch let error as LLMError {
        StatusLine.keepAndPrint("bundlekd: \(error)\(resume)")
        throw ExitCode(1)
    } catch let error as DataError {
        StatusLine.print("bundlekd: \(error)")
        throw ExitCode(1)
    }
}

/// When each role's last "waiting" line went to a log, so concurrent waits print it once.
enum WaitingLog {
    private static let last = Mutex<[LLMRole: Date]>([:])

    static func due(_ role: LLMRole, now: Date = Date()) -> Bool {
        last.withLock { printed in
            if let previous = printed[role], now.timeIntervalSince(previous) < 25 { return false }
            printed[role] = now
            return true
        }
    }
}
