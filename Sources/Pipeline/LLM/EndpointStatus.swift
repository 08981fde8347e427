import Foundation

/// What `bundlekd llm status` reports for one role: the configured endpoint, whether its API
/// key variable is set (never its value), and for each base URL what the server serves and how
/// it takes structured output.
public struct EndpointStatus: Sendable {
    public struct Address: Sendable {
        public let url: String
        /// The served model ids and the structured-output mode, or why the URL did not answer.
        public let answer: Result<(models: [String], structuredOutput: String), LLMError>
    }

    public let role: LLMRole
    public let endpoint: EndpointConfig
    /// The key's variable name and whether it is set in this environment.
    public let key: (variable: String, isSet: Bool)?
    public let addresses: [Address]

    /// Asks every base URL of `role`'s endpoint; a key whose variable is unset is not sent.
    public static func probe(_ config: WorkspaceConfig, role: LLMRole) async -> EndpointStatus {
        let endpoint = config.endpoint(role)
        let environment = ProcessInfo.processInfo.environment
        var addresses: [Address] = []
        for url in endpoint.baseURLs {
            var single = endpoint
            single.baseURLs = [url]
            single.apiKeyVariable = endpoint.apiKeyVariable.flatMap { environment[$0] == nil ? nil : $0 }
            do {
                let client = try ChatClient(endpoint: single)
                let models = try await client.models()
                let mode = await client.structuredOutputMode(model: endpoint.model)
                addresses.append(Address(url: url, answer: .success((models, mode))))
            } catch let error as LLMError {
                addresses.append(Address(url: url, answer: .failure(error)))
            } catch {
                addresses.append(Address(url: url, answer: .failure(.connection(url: url, message: "\(error)"))))
            }
        }
        let key = endpoint.apiKeyVariable.map { ($0, environment[$0] != nil) }
        return EndpointStatus(role: role, endpoint: endpoint, key: key, addresses: addresses)
    }
}
