import Foundation
@testable import Pipeline

/// scripts/fault_server.py on a free port of 127.0.0.1, for the duration of a test.
final class FaultServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    init() throws {
        // The system interpreter directly: a pyenv shim in between would swallow terminate().
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [SharedData.repositoryRoot.appendingPathComponent("scripts/fault_server.py").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var line = Data()
        while !line.contains(10), let byte = try pipe.fileHandleForReading.read(upToCount: 1), !byte.isEmpty {
            line += byte
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw LLMError.notConfigured("fault server did not start: \(text)")
        }
        self.port = port
    }

    deinit {
        // SIGKILL: a child spawned from a test thread can inherit a mask that blocks SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func baseURL(_ mode: String) -> String { "http://127.0.0.1:\(port)/\(mode)/v1" }

    func endpoint(
        _ mode: String, attempts: Int = 3, stall: Int = 60, firstToken: Int = 600, hung: Int = 120
    ) -> EndpointConfig {
        var endpoint = EndpointConfig(
            baseURLs: [baseURL(mode)], model: "fault-model", maxConcurrency: 2, maxTokens: 32, seed: 1,
            connectTimeout: 2, stallSeconds: stall, maxAttempts: attempts, backoffBase: 0.05, maxBackoff: 2)
        endpoint.firstTokenSeconds = firstToken
        endpoint.hungSeconds = hung
        return endpoint
    }

    /// The `response_format` type the server last received in `mode` ("none" without one).
    func lastFormat(_ mode: String) async throws -> String? {
        try await statsObject()["formats"].flatMap { ($0 as? [String: String])?[mode] }
    }

    func lastTokensField(_ mode: String) async throws -> String? {
        try await statsObject()["tokenFields"].flatMap { ($0 as? [String: String])?[mode] }
    }

    func statsObject() async throws -> [String: Any] {
        var request = HTTPRequest(url: "http://127.0.0.1:\(port)/stats")
        request.connectTimeout = 2
        let body = ByteBuffer()
        _ = await CurlTransport.run(request) { _, bytes in
            body.append(bytes); return true
        }
        return try JSONSerialization.jsonObject(with: Data(body.bytes)) as! [String: Any]
    }

    func stats() async throws -> (requests: Int, disconnects: Int) {
        let object = try await statsObject()
        return (object["requests"] as! Int, object["disconnects"] as! Int)
    }
}

/// Collects streamed deltas from the transfer thread.
final class DeltaLog: @unchecked Sendable {
    private let lock = NSLock()
    private var pieces: [String] = []
    func add(_ piece: String) { lock.withLock { pieces.append(piece) } }
    var all: [String] { lock.withLock { pieces } }
}
