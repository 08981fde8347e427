import Foundation

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
        /// llama-server's compute threads (`-t`); default: half the machine's cores.
        public var threads = ChildEnvironment.serverThreads
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

    /// Parses the file strictly: an unknown key or section, a wrong type or a value out of range
    /// is one `DataError` naming the file, line and key; nothing falls back to a default.
    public static func parse(_ text: String, file: String = "bundlekd.toml") throws -> WorkspaceConfig {
        let table = try TOML.parse(text, file: file)
        var root = ConfigReader(file: file, table: table)
        var config = WorkspaceConfig()
        try root.forbid("api_key", keyInFile)
        config.database = try root.string("database") ?? config.database
        if var trainer = try root.section("trainer") {
            config.trainerCommand = try trainer.string("command")
            config.trainerServeURL = try trainer.string("serve_url")
            try trainer.finish()
        }
        if var local = try root.section("local") {
            try local.forbid("api_key", keyInFile)
            config.local.port = try local.int("port", 1...65535) ?? config.local.port
            config.local.slots = try local.int("slots", 1...256) ?? config.local.slots
            config.local.contextPerSlot =
                try local.int("context_per_slot", 64...1_048_576) ?? config.local.contextPerSlot
            config.local.modelPath = try local.string("model_path") ?? config.local.modelPath
            config.local.alias = try local.string("alias") ?? config.local.alias
            config.local.threads = try local.int("threads", 1...1024) ?? config.local.threads
            try local.finish()
        }
        let defaults = EndpointConfig(
            baseURLs: [config.local.baseURL], model: config.local.alias, maxConcurrency: config.local.slots)
        for role in LLMRole.allCases {
            var endpoint = defaults
            if var section = try root.section(role.rawValue) {
                endpoint = try Self.endpoint(&section, defaults: defaults)
            }
            if role == .teacher { config.teacher = endpoint } else { config.student = endpoint }
        }
        try root.finish()
        return config
    }

    static let keyInFile = "keys must not be written in files; name an environment variable with api_key_env"

    static func endpoint(_ section: inout ConfigReader, defaults: EndpointConfig) throws -> EndpointConfig {
        var endpoint = defaults
        try section.forbid("api_key", keyInFile)
        if let urls = try section.strings("base_urls") {
            endpoint.baseURLs = urls
        } else if let url = try section.string("base_url") {
            endpoint.baseURLs = [url]
        }
        for url in endpoint.baseURLs where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw section.error(
                section.table["base_urls"] != nil ? "base_urls" : "base_url", "expected an http:// or https:// URL")
        }
        endpoint.model = try section.string("model") ?? endpoint.model
        if let variable = try section.string("api_key_env") {
            // A key pasted where its variable's name belongs must not be echoed back anywhere.
            guard variable.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil,
                !variable.hasPrefix("sk-")
            else {
                throw section.error(
                    "api_key_env",
                    "expected the name of an environment variable (e.g. OPENAI_API_KEY); "
                        + "the value looks like a key itself and is not shown")
            }
            endpoint.apiKeyVariable = variable
        }
        endpoint.maxConcurrency = try section.int("max_concurrency", 1...1024) ?? endpoint.maxConcurrency
        endpoint.temperature = try section.double("temperature", 0...2) ?? endpoint.temperature
        endpoint.maxTokens = try section.int("max_tokens", 1...1_000_000) ?? endpoint.maxTokens
        endpoint.seed = try section.int("seed") ?? endpoint.seed
        endpoint.connectTimeout = try section.int("connect_timeout", 1...3600) ?? endpoint.connectTimeout
        endpoint.firstTokenSeconds = try section.int("first_token_seconds", 1...86_400) ?? endpoint.firstTokenSeconds
        endpoint.stallSeconds = try section.int("stall_seconds", 1...86_400) ?? endpoint.stallSeconds
        endpoint.hungSeconds = try section.int("hung_seconds", 1...86_400) ?? endpoint.hungSeconds
        endpoint.maxAttempts = try section.int("max_attempts", 1...100) ?? endpoint.maxAttempts
        endpoint.promptPrice = try section.double("price_per_1k_prompt", 0...1_000_000) ?? endpoint.promptPrice
        endpoint.completionPrice =
            try section.double("price_per_1k_completion", 0...1_000_000) ?? endpoint.completionPrice
        endpoint.structuredOutput =
            try section.choice("structured_output", StructuredOutput.self) ?? endpoint.structuredOutput
        try section.finish()
        return endpoint
    }
}
