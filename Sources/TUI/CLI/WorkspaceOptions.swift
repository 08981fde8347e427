import ArgumentParser
import Foundation
import Pipeline

/// Where the workspace lives and how LLM calls use the cache; shared by every command that
/// talks to a model.
struct WorkspaceOptions: ParsableArguments {
    @Option(help: "The workspace configuration file (endpoints, database).")
    var config: String = "bundlekd.toml"

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
}

/// Opens the gateway for LLM commands. When a role uses the embedded local server and nothing
/// answers there, the first request that needs the network installs (once) and starts it; it
/// is stopped again when the command ends.
enum LLMSession {
    static func run<T>(_ options: WorkspaceOptions, roles: [LLMRole], _ body: (LLMGateway) async throws -> T) async throws -> T {
        let config = try options.loadConfig()
        // A configured model that is not there is said before the workspace is even opened.
        if roles.contains(where: config.usesLocalServer) { try LocalServerStarter.checkModel(LocalServer(settings: config.local)) }
        return try await run(config: config, workspace: try options.openWorkspace(config), body)
    }

    /// The same with an open workspace. `beforeNetwork` runs before every request that goes to
    /// the network (the workbench pauses there); `report` receives the one-line notices.
    static func run<T>(config: WorkspaceConfig, workspace: Workspace,
                       beforeNetwork: (@Sendable (LLMRole) async throws -> Void)? = nil,
                       report: @escaping @Sendable (String) -> Void = LocalServerStarter.toStandardError,
                       waiting: @escaping @Sendable (LLMRole, Int) -> Void = LLMSession.waitingOnStandardError,
                       _ body: (LLMGateway) async throws -> T) async throws -> T {
        let starter = LocalServerStarter(config: config, report: report)
        let gateway = try LLMGateway(config: config, workspace: workspace, beforeNetwork: { role in
            try await beforeNetwork?(role)
            if config.usesLocalServer(role) { try await starter.ensureRunning() }
        }, waiting: waiting, notice: report)
        do {
            let result = try await body(gateway)
            await starter.stop()
            return result
        } catch {
            await starter.stop()
            throw error
        }
    }
}

extension LLMSession {
    /// A request still waiting for its first token is shown on the status line every 5 s (on a
    /// terminal; in a log every 30 s), so a slow or queued server is never 60 s of silence.
    static let waitingOnStandardError: @Sendable (LLMRole, Int) -> Void = { role, seconds in
        guard seconds > 0, seconds % 5 == 0 else { return }
        let line = "waiting for the \(role.rawValue) server (\(seconds) s)"
        if StatusLine.isTerminal { StatusLine.redraw(line) } else if seconds % 30 == 0 { StatusLine.print("bundlekd: " + line) }
    }
}

/// Starts the embedded server at most once per command, and only if nothing answers already.
/// Concurrent first calls share one start (an actor alone would let them all in at the await).
actor LocalServerStarter {
    private let server: LocalServer
    private var starting: Task<Bool, Error>?

    private let report: @Sendable (String) -> Void

    init(config: WorkspaceConfig, report: @escaping @Sendable (String) -> Void = toStandardError) {
        self.init(settings: config.local, report: report)
    }

    /// A starter for another local model, e.g. a fine-tuned student on its own port.
    init(settings: WorkspaceConfig.LocalServer, report: @escaping @Sendable (String) -> Void = toStandardError) {
        server = LocalServer(settings: settings)
        self.report = report
    }

    /// Notices go to stderr on a fresh line (a progress bar may be on the current one).
    static let toStandardError: @Sendable (String) -> Void = { StatusLine.print("bundlekd: \($0)") }

    func ensureRunning() async throws {
        if starting == nil {
            let server = self.server, report = self.report
            starting = Task { try await Self.start(server, report: report) }
        }
        _ = try await starting!.value
    }

    /// Returns true when this command started the server (and must stop it).
    private static func start(_ server: LocalServer, report: @Sendable (String) -> Void) async throws -> Bool {
        if await server.isHealthy() { return false }
        try checkModel(server)
        if !server.isInstalled {
            guard let script = ResourceLocator.find("scripts/setup-llm.sh") else {
                throw LLMError.notConfigured("the local model server is not installed and scripts/setup-llm.sh was not found")
            }
            report("installing the local model server (once; about 8 minutes)")
            try server.install(setupScript: script)
        }
        report("starting the local model server on \(server.settings.baseURL)")
        try await server.start()
        return true
    }

    /// A model of the user's own (not the one setup installs) must exist: installing cannot bring it.
    static func checkModel(_ server: LocalServer) throws {
        if !server.usesBundledModel && !FileManager.default.fileExists(atPath: server.modelPath) {
            throw LLMError.notConfigured("the local model \(server.modelPath) does not exist (local.model_path)")
        }
    }

    func stop() async {
        if let starting, (try? await starting.value) == true { server.stop() }
    }
}

/// Runs an async command body from a synchronous `run()`, reporting expected failures in one
/// line. With `cancelOnInterrupt`, Ctrl-C cancels the work instead of killing the process, so
/// resumable commands keep everything finished and exit 130.
func runAsync(cancelOnInterrupt: Bool = false,
              resumeHint: String = "; finished steps are stored, run the same command again to resume",
              _ body: @escaping @Sendable () async throws -> Void) throws {
    let outcome = Mutex<Result<Void, Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    let task = Task.detached {
        do { try await body(); outcome.withLock { $0 = .success(()) } } catch { outcome.withLock { $0 = .failure(error) } }
        done.signal()
    }
    // Ending by a signal stops the local server and trainers this command started.
    ExitSignals.install(cancelOnInterrupt ? [SIGTERM, SIGHUP] : [SIGTERM, SIGHUP, SIGINT]) { number in
        if number == SIGINT { StatusLine.print("bundlekd: interrupted") }
    }
    var interrupt: DispatchSourceSignal?
    if cancelOnInterrupt {
        signal(SIGINT, SIG_IGN)
        interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt?.setEventHandler { task.cancel() }
        interrupt?.resume()
    }
    done.wait()
    interrupt?.cancel()
    let resume = cancelOnInterrupt ? resumeHint : ""
    switch outcome.withLock({ $0 })! {
    case .success: return
    case .failure(let error) where error is CancellationError || task.isCancelled:
        StatusLine.keepAndPrint("bundlekd: interrupted\(resume)")
        throw ExitCode(130)
    case .failure(let error as LLMError):
        StatusLine.keepAndPrint("bundlekd: \(error)\(resume)")
        throw ExitCode(1)
    case .failure(let error as DataError):
        FileHandle.standardError.write(Data("bundlekd: \(error)\n".utf8))
        throw ExitCode(1)
    case .failure(let error): throw error
    }
}

import Synchronization
