import ArgumentParser
import Foundation
import Pipeline

/// Where the data comes from; shared by every command that reads sessions.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "A dataset: a .jsonl file or folder, a BundleRec dataset or domain folder, or the DICL split. Default: the bundled demo in sessions/.")
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
            throw DataError(file: path, field: "domain",
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

/// Finds files shipped beside the project (sessions/, themes/): in the working directory, or
/// up from the executable, which lives in `.build/<config>/` when run from a checkout.
enum ResourceLocator {
    static func find(_ relativePath: String, where accept: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> String? {
        var candidates = [FileManager.default.currentDirectoryPath + "/" + relativePath]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent(relativePath).path)
            folder.deleteLastPathComponent()
        }
        return candidates.first(where: accept)
    }
}

/// Runs a command body, turning expected failures into one line on stderr and exit status 1.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as DataError {
        FileHandle.standardError.write(Data("bundlekd: \(error)\n".utf8))
        throw ExitCode(1)
    }
}
