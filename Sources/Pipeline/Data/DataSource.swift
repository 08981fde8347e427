import Foundation

/// Finds and loads whatever dataset a `--data` path points at: a `.jsonl` file, a folder of
/// them, one BundleRec domain folder, a BundleRec `dataset/` folder of domains, or the DICL split.
public enum DataSource {
    /// Domains in the order the papers report them; others follow alphabetically.
    static let paperOrder = ["electronic", "clothing", "food"]

    public static func load(path: String) throws -> [Dataset] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(file: path, "no such file or folder")
        }
        if !isDirectory.boolValue { return try SessionJSONLines.load(path: path) }
        if BundleRecLoader.isBundleRecFolder(path) { return [try BundleRecLoader.load(folder: path)] }
        if DICLLoader.isDICLFolder(path) { return [try DICLLoader.load(folder: path)] }

        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        let jsonl = entries.filter { $0.hasSuffix(".jsonl") }
        if !jsonl.isEmpty {
            return try merge(
                jsonl.flatMap { try SessionJSONLines.load(path: (path as NSString).appendingPathComponent($0)) })
        }
        let domains = entries.filter {
            BundleRecLoader.isBundleRecFolder((path as NSString).appendingPathComponent($0))
        }
        guard !domains.isEmpty else {
            throw DataError(
                file: path,
                "no dataset found (expected .jsonl files, BundleRec domain folders with session_item.csv, or the DICL split)"
            )
        }
        return try ordered(domains).map {
            try BundleRecLoader.load(folder: (path as NSString).appendingPathComponent($0))
        }
    }

    static func ordered(_ names: [String]) -> [String] {
        let known = paperOrder.filter(names.contains)
        return known + names.filter { !paperOrder.contains($0) }.sorted()
    }

    /// Joins datasets of the same domain that came from different files.
    static func merge(_ datasets: [Dataset]) -> [Dataset] {
        var byDomain: [String: Dataset] = [:]
        for dataset in datasets {
            if var existing = byDomain[dataset.domain] {
                existing.sessions += dataset.sessions
                existing.items.merge(dataset.items) { first, _ in first }
                existing.split.merge(dataset.split) { first, _ in first }
                byDomain[dataset.domain] = existing
            } else {
                byDomain[dataset.domain] = dataset
            }
        }
        return ordered(Array(byDomain.keys)).map { byDomain[$0]! }
    }
}
