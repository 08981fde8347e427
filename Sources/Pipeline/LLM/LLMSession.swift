import Foundation

/// Opens the gateway for one job. When a role uses the embedded local server and nothing
/// answers there, the first request that needs the network installs (once) and starts it; it
/// is stopped again when the job ends, however it ends.
public enum LLMSession {
    /// `beforeNetwork` runs before every request that goes to the network (the workbench pauses
    /// there); `report` receives the one-line notices, `waiting` the seconds a request has waited
    /// for its first token (0: the wait is over).
    public static func run<T>(
        config: WorkspaceConfig, workspace: Workspace,
        beforeNetwork: (@Sendable (LLMRole) async throws -> Void)? = nil,
        report: @escaping @Sendable (String) -> Void,
        waiting: @escaping @Sendable (LLMRole, Int) -> Void,
        _ body: (LLMGateway) async throws -> T
    ) async throws -> T {
        let starter = LocalServerStarter(settings: config.local, report: report)
        let gateway = try LLMGateway(
            config: config, workspace: workspace,
            beforeNetwork: { role in
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
