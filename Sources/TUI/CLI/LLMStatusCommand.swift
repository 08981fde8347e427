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
            let local = LocalServer(settings: config.local)
            print("workspace  \(options.databasePath(config))")
            let running = await local.isHealthy() ? "yes" : "no"
            print("local      \(config.local.baseURL)  installed: \(local.isInstalled ? "yes" : "no (make llm)")  running: \(running)")
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
