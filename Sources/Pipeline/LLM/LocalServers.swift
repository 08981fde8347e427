/// One starter per embedded server process a job's roles use (a role served by several replicas
/// has one per port); two roles on one server share its starters.
public struct LocalServers: Sendable {
    private let starters: [Int: LocalServerStarter]
    private let ports: [LLMRole: [Int]]

    public init(config: WorkspaceConfig, report: @escaping @Sendable (String) -> Void) {
        var starters: [Int: LocalServerStarter] = [:]
        var ports: [LLMRole: [Int]] = [:]
        for role in LLMRole.allCases {
            guard let server = config.localServer(for: role) else { continue }
            ports[role] = Array(server.ports)
            for replica in server.replicaServers where starters[replica.port] == nil {
                starters[replica.port] = LocalServerStarter(settings: replica, report: report)
            }
        }
        self.starters = starters
        self.ports = ports
    }

    public func starters(for role: LLMRole) -> [LocalServerStarter] { (ports[role] ?? []).compactMap { starters[$0] } }

    /// Starts (once) every server process of `role`: the first alone (it installs what is missing),
    /// then the other replicas side by side.
    public func ensureRunning(_ role: LLMRole) async throws {
        let all = starters(for: role)
        guard let first = all.first else { return }
        try await first.ensureRunning()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for starter in all.dropFirst() { group.addTask { try await starter.ensureRunning() } }
            try await group.waitForAll()
        }
    }

    public func stopAll() async {
        for starter in starters.values { await starter.stop() }
    }
}
