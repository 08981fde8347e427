import ArgumentParser
import Foundation
import Pipeline

/// Where the data comes from; shared by every command that reads sessions.
struct DataOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "A dataset: a .jsonl file or folder, a BundleRec dataset or domain folder, or the DICL split. Default: the bundled demo in sessions/."
    )
    var data: String?

    @Option(name: .long, help: "Only this domain (electronic, clothing, food, ...).")
    var domain: String?

    /// Loads the raw datasets, filtered to `--domain` when given.
    func loadRaw() throws -> [Dataset] {
        let path = try data ?? DemoData.locate()
        let datasets = try DataSource.load(path: path)
        guard let domain else { return datasets }
        let chosen = datasets.filter { $0.domain == domain }
        guard !chosen.isEmpty else {
            throw DataError(
                file: path, field: "domain",
                "no domain '\(domain)' (found: \(datasets.map(\.domain).joined(separator: ", ")))")
        }
        return chosen
    }

    /// Loads and preprocesses (filter, deduplicate, split) every dataset.
    func loadPrepared() throws -> [Dataset] {
        try loadRaw().map { try Preprocessing.prepare($0) }
    }
}

/// Finds the bundled demo dataset whether `bundlekd` runs from the repository or from `.build/`.
enum DemoData {
    static func locate() throws -> String {
        if let path = ProcessInfo.processInfo.environment["BUNDLEKD_DATA"], !path.isEmpty { return path }
        guard let path = ResourceLocator.find("sessions", where: hasJSONLines) else {
            throw DataError(file: "sessions/", "demo dataset not found; pass --data PATH or set BUNDLEKD_DATA")
        }
        return path
    }

    private static func hasJSONLines(_ folder: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains { $0.hasSuffix(".jsonl") }
    }
}

/// Runs a command body, turning expected failures into one line on stderr and exit status 1.
@discardableResult
func reportingFailures<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as DataError {
        FileHandle.standardError.write(Data("bundlekd: \(error)\n".utf8))
        throw ExitCode(1)
    }
}
