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
        let workspace = try options.openWorkspace(config)
        let starter = LocalServerStarter(config: config)
        let gateway = try LLMGateway(config: config, workspace: workspace) { role in
            if config.usesLocalServer(role) { try await starter.ensureRunning() }
        }
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

/// Starts the embedded server at most once per command, and only if nothing answers already.
/// Concurrent first calls share one start (an actor alone would let them all in at the await).
actor LocalServerStarter {
    private let server: LocalServer
    private var starting: Task<Bool, Error>?

    init(config: WorkspaceConfig) { server = LocalServer(settings: config.local) }

    func ensureRunning() async throws {
        if starting == nil {
            let server = self.server
            starting = Task { try await Self.start(server) }
        }
        _ = try await starting!.value
    }

    /// Returns true when this command started the server (and must stop it).
    private static func start(_ server: LocalServer) async throws -> Bool {
        if await server.isHealthy() { return false }
        if !server.isInstalled {
            guard let script = ResourceLocator.find("scripts/setup-llm.sh") else {
                throw LLMError.notConfigured("the local model server is not installed and scripts/setup-llm.sh was not found")
            }
            FileHandle.standardError.write(Data("bundlekd: installing the local model server (once; about 8 minutes)\n".utf8))
            try server.install(setupScript: script)
        }
        let clearLine = isatty(2) == 1 ? "\r\u{1B}[K" : ""   // a progress bar may be on the line
        FileHandle.standardError.write(Data("\(clearLine)bundlekd: starting the local model server on \(server.settings.baseURL)\n".utf8))
        try await server.start()
        return true
    }

    func stop() async {
        if let starting, (try? await starting.value) == true { server.stop() }
    }
}

/// Runs an async command body from a synchronous `run()`, reporting expected failures in one
/// line. With `cancelOnInterrupt`, Ctrl-C cancels the work instead of killing the process, so
/// resumable commands keep everything finished and exit 130.
func runAsync(cancelOnInterrupt: Bool = false, _ body: @escaping @Sendable () async throws -> Void) throws {
    let outcome = Mutex<Result<Void, Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    let task = Task.detached {
        do { try await body(); outcome.withLock { $0 = .success(()) } } catch { outcome.withLock { $0 = .failure(error) } }
        done.signal()
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
    let resume = cancelOnInterrupt ? "; finished steps are stored, run the same command again to resume" : ""
    switch outcome.withLock({ $0 })! {
    case .success: return
    case .failure(let error) where error is CancellationError || task.isCancelled:
        FileHandle.standardError.write(Data("\nbundlekd: interrupted\(resume)\n".utf8))
        throw ExitCode(130)
    case .failure(let error as LLMError):
        FileHandle.standardError.write(Data("\nbundlekd: \(error)\(resume)\n".utf8))
        throw ExitCode(1)
    case .failure(let error as DataError):
        FileHandle.standardError.write(Data("bundlekd: \(error)\n".utf8))
        throw ExitCode(1)
    case .failure(let error): throw error
    }
}

import Synchronization
