import Foundation

/// Starts a local llama-server at most once per job, and only if nothing answers already.
/// Concurrent first calls share one start (an actor alone would let them all in at the await).
public actor LocalServerStarter {
    private let server: LocalServer
    private var starting: Task<Bool, Error>?
    private let report: @Sendable (String) -> Void

    /// A starter for the embedded server, or another local model (a fine-tuned student on its own port).
    public init(settings: WorkspaceConfig.LocalServer, report: @escaping @Sendable (String) -> Void) {
        server = LocalServer(settings: settings)
        self.report = report
    }

    public func ensureRunning() async throws {
        if starting == nil {
            let server = self.server, report = self.report
            starting = Task { try await Self.start(server, report: report) }
        }
        _ = try await starting!.value
    }

    /// Returns true when this job started the server (and must stop it).
    private static func start(_ server: LocalServer, report: @Sendable (String) -> Void) async throws -> Bool {
        if await server.isHealthy() { return false }
        try checkModel(server)
        if !server.hasServer {
            report("installing the local model server (once; about 8 minutes)")
            try await server.install(setupScript: try script("scripts/setup-llm.sh"))
        }
        if !server.isInstalled {
            report("fetching the model \(server.settings.alias) (once)")
            try await server.install(setupScript: try script(server.settings.modelSetupScript))
        }
        report("starting the local model server \(server.settings.alias) on \(server.settings.baseURL)")
        try await server.start()
        return true
    }

    private static func script(_ name: String) throws -> String {
        guard let path = ResourceLocator.find(name) else {
            throw LLMError.notConfigured("the local model server is not installed and \(name) was not found")
        }
        return path
    }

    /// A model of the user's own (not the one setup installs) must exist: installing cannot bring it.
    public static func checkModel(_ server: LocalServer) throws {
        if !server.usesBundledModel { try server.requireModel() }
    }

    /// Stops the server if this job started it; one that was already running is left alone.
    public func stop() async {
        if let starting, (try? await starting.value) == true { server.stop() }
    }
}
