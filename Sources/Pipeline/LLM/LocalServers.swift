/// One starter per embedded server a job's roles use; two roles on one server share its starter.
public struct LocalServers: Sendable {
    private let starters: [Int: LocalServerStarter]
    private let ports: [LLMRole: Int]

    public init(config: WorkspaceConfig, report: @escaping @Sendable (String) -> Void) {
        var starters: [Int: LocalServerStarter] = [:]
        var ports: [LLMRole: Int] = [:]
        for role in LLMRole.allCases {
            guard let server = config.localServer(for: role) else { continue }
            ports[role] = server.port
            if starters[server.port] == nil {
                starters[server.port] = LocalServerStarter(settings: server, report: report)
            }
        }
        self.starters = starters
        self.ports = ports
    }

    public func starter(for role: LLMRole) -> LocalServerStarter? { ports[role].flatMap { starters[$0] } }

    public func stopAll() async {
        for starter in starters.values { await starter.stop() }
    }
}
