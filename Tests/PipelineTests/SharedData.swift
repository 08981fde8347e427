import Foundation
@testable import Pipeline

/// Paths to the real datasets in `../shared/data`, beside the repository.
enum SharedData {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let root = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path
    static let bundleRec = root + "/bundlerec"
    static let dicl = root + "/dicl-electronic"

    static var isAvailable: Bool { FileManager.default.fileExists(atPath: bundleRec + "/electronic/session_item.csv") }
    static let skipReason: Comment = "skipped: ../shared/data/bundlerec is absent (CI has it)"
}

/// The demo data's food domain and a configuration whose teacher and student are both the local
/// model `make test` starts (LLM_BASE_URL), for the tests of real cells.
enum DemoFood {
    static func dataset() throws -> Dataset {
        try Preprocessing.prepare(
            try DataSource.load(path: SharedData.repositoryRoot.appendingPathComponent("sessions").path)
                .first { $0.domain == "food" }!)
    }

    static func config() -> WorkspaceConfig {
        var config = WorkspaceConfig()
        config.teacher = EndpointConfig(
            baseURLs: [ProcessInfo.processInfo.environment["LLM_BASE_URL"]!], model: "local", maxConcurrency: 4, seed: 5
        )
        config.student = config.teacher
        return config
    }
}

/// A scratch folder of hand-written fixture files, removed when the test ends.
final class FixtureFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "bundlekd-fixture-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        try! Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    func writeBytes(_ name: String, _ bytes: [UInt8]) {
        try! Data(bytes).write(to: URL(fileURLWithPath: path + "/" + name))
    }
}

import Testing
