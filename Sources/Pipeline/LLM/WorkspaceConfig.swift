import Foundation
import TOMLKit

/// The workspace configuration, `bundlekd.toml`:
///
/// ```toml
/// database = "bundlekd.sqlite"
///
/// [local]                      # the embedded llama.cpp server, started when nothing answers
/// port = 18080
/// slots = 4
/// model_path = "~/.cache/bundlekd/llm/models/SmolLM2-135M-Instruct.Q4_1.gguf"
///
/// [teacher]
/// base_urls = ["http://127.0.0.1:18080/v1"]
/// model = "local"
/// api_key_env = "OPENAI_API_KEY"   # the variable's name; keys are never written in files
/// max_concurrency = 4
/// temperature = 0.0
/// max_tokens = 512
/// seed = 42
///
/// [student]
/// …same keys…
/// ```
/// Every key is optional; both roles default to the local server.
public struct WorkspaceConfig: Sendable, Equatable {
    public struct LocalServer: Sendable, Equatable {
        public var port = 18080
        public var slots = 4
        public var contextPerSlot = 2048
        public var modelPath = "~/.cache/bundlekd/llm/models/SmolLM2-135M-Instruct.Q4_1.gguf"
        public var alias = "local"
        /// More llama-server arguments (e.g. a metadata override for a fine-tuned model).
        public var extraArguments: [String] = []
        public var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    }

    public var database = "bundlekd.sqlite"
    /// The SFT trainer command template (see `Trainer`) and where its models are served.
    public var trainerCommand: String?
    public var trainerServeURL: String?
    public var local = LocalServer()
    public var teacher: EndpointConfig
    public var student: EndpointConfig

    public init() {
        let local = LocalServer()
        teacher = EndpointConfig(baseURLs: [local.baseURL], model: local.alias, maxConcurrency: local.slots)
        student = teacher
    }

    public func endpoint(_ role: LLMRole) -> EndpointConfig { role == .teacher ? teacher : student }

    /// True when a role is served by the embedded server, which the workbench may start.
    public func usesLocalServer(_ role: LLMRole) -> Bool { endpoint(role).baseURLs.contains(local.baseURL) }

    public static func load(path: String) throws -> WorkspaceConfig {
        guard FileManager.default.fileExists(atPath: path) else { return WorkspaceConfig() }
        return try parse(TextFile.read(path), file: path)
    }

    public static func parse(_ text: String, file: String = "bundlekd.toml") throws -> WorkspaceConfig {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw DataError(file: file, line: error.source.begin.line, error.description)
        }
        var config = WorkspaceConfig()
        if let database = table["database"]?.string { config.database = database }
        if let trainer = table["trainer"]?.table {
            config.trainerCommand = trainer["command"]?.string
            config.trainerServeURL = trainer["serve_url"]?.string
        }
        if let local = table["local"]?.table {
            config.local.port = try int(local, "port", file: file, section: "local") ?? config.local.port
            config.local.slots = try int(local, "slots", file: file, section: "local") ?? config.local.slots
            config.local.contextPerSlot = try int(local, "context_per_slot", file: file, section: "local") ?? config.local.contextPerSlot
            config.local.modelPath = local["model_path"]?.string ?? config.local.modelPath
            config.local.alias = local["alias"]?.string ?? config.local.alias
        }
        let defaults = EndpointConfig(baseURLs: [config.local.baseURL], model: config.local.alias, maxConcurrency: config.local.slots)
        config.teacher = try endpoint(table["teacher"]?.table, defaults: defaults, file: file, section: "teacher")
        config.student = try endpoint(table["student"]?.table, defaults: defaults, file: file, section: "student")
        return config
    }

    static func endpoint(_ table: TOMLTable?, defaults: EndpointConfig, file: String, section: String) throws -> EndpointConfig {
        guard let table else { return defaults }
        var endpoint = defaults
        if let urls = table["base_urls"]?.array {
            endpoint.baseURLs = urls.compactMap(\.string)
            guard !endpoint.baseURLs.isEmpty else { throw DataError(file: file, field: "\(section).base_urls", "needs at least one URL") }
        } else if let url = table["base_url"]?.string {
            endpoint.baseURLs = [url]
        }
        endpoint.model = table["model"]?.string ?? endpoint.model
        endpoint.apiKeyVariable = table["api_key_env"]?.string ?? endpoint.apiKeyVariable
        if table["api_key"] != nil {
            throw DataError(file: file, field: "\(section).api_key", "keys must not be written in files; name an environment variable with api_key_env")
        }
        endpoint.maxConcurrency = try int(table, "max_concurrency", file: file, section: section) ?? endpoint.maxConcurrency
        endpoint.temperature = table["temperature"]?.double ?? (table["temperature"]?.int).map(Double.init) ?? endpoint.temperature
        endpoint.maxTokens = try int(table, "max_tokens", file: file, section: section) ?? endpoint.maxTokens
        endpoint.seed = try int(table, "seed", file: file, section: section) ?? endpoint.seed
        endpoint.connectTimeout = try int(table, "connect_timeout", file: file, section: section) ?? endpoint.connectTimeout
        endpoint.stallSeconds = try int(table, "stall_seconds", file: file, section: section) ?? endpoint.stallSeconds
        endpoint.maxAttempts = try int(table, "max_attempts", file: file, section: section) ?? endpoint.maxAttempts
        endpoint.promptPrice = table["price_per_1k_prompt"]?.double ?? endpoint.promptPrice
        endpoint.completionPrice = table["price_per_1k_completion"]?.double ?? endpoint.completionPrice
        return endpoint
    }

    static func int(_ table: TOMLTable, _ key: String, file: String, section: String) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int, number >= 0 else {
            throw DataError(file: file, field: "\(section).\(key)", "expected a non-negative integer")
        }
        return number
    }
}
