import Foundation

/// Opens the gateway for one job. When a role uses an embedded local server (the student's or
/// the teacher's) and nothing answers there, the first request of that role that needs the
/// network installs (once) and starts it; each is stopped again when the job ends, however it ends.
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
        let starters = LocalServers(config: config, report: report)
        let gateway = try LLMGateway(
            config: config, workspace: workspace,
            beforeNetwork: { role in
                try await beforeNetwork?(role)
                try await starters.ensureRunning(role)
            }, waiting: waiting, notice: report)
        do {
            let result = try await body(gateway)
            await starters.stopAll()
            return result
        } catch {
            await starters.stopAll()
            throw error
        }
    }
}
