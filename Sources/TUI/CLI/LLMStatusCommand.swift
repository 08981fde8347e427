import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd llm status`: what is configured, reachable and loaded, per role.
struct LLMStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "What is configured, reachable and loaded, per role.")

    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        let options = workspace
        try await runCommand {
            let config = try options.loadConfig()
            print("workspace  \(options.databasePath(config))")
            for (name, settings) in [("student", config.local), ("teacher", config.localTeacher)] {
                let server = LocalServer(settings: settings)
                let users = LLMRole.allCases.filter { config.localServer(for: $0) == settings }.map(\.rawValue)
                let installed =
                    server.isInstalled
                    ? "installed"
                    : !server.hasServer
                        ? "not installed (make llm)"
                        : "model file missing: \(server.modelPath)"
                var healthy = 0
                for replica in settings.replicaServers where await LocalServer(settings: replica).isHealthy() {
                    healthy += 1
                }
                let running =
                    settings.replicas == 1
                    ? (healthy == 1 ? "running" : "not running") : "\(healthy) of \(settings.replicas) running"
                let each = settings.replicas == 1 ? "" : "\(settings.replicas) servers × "
                print(
                    "local \(name)  \(settings.baseURLs.joined(separator: " "))  \(settings.alias) · \(each)\(settings.slots) slots, "
                        + "\(settings.threads) threads · \(installed) · \(running) · used by "
                        + (users.isEmpty ? "no role" : users.joined(separator: ", ")))
            }
            for role in LLMRole.allCases { Self.show(await EndpointStatus.probe(config, role: role)) }
        }
    }

    static func show(_ status: EndpointStatus) {
        let key = status.key.map { " key from $\($0.variable)" + ($0.isSet ? "" : " (not set)") } ?? ""
        let name = status.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
        print("\(name) model \(status.endpoint.model), concurrency \(status.endpoint.maxConcurrency)\(key)")
        for address in status.addresses {
            switch address.answer {
            case .success(let answer):
                print("           \(address.url)  reachable, serving: \(answer.models.joined(separator: ", "))")
                print("           structured output: \(answer.structuredOutput)")
            case .failure(let error):
                print("           \(address.url)  not reachable: \(error)")
            }
        }
    }
}
