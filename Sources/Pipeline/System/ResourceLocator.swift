import Foundation

/// Finds files shipped beside the project (sessions/, themes/): in the working directory, or
/// up from the executable, which lives in `.build/<config>/` when run from a checkout.
public enum ResourceLocator {
    public static func find(
        _ relativePath: String, where accept: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) -> String? {
        var candidates = [FileManager.default.currentDirectoryPath + "/" + relativePath]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent(relativePath).path)
            folder.deleteLastPathComponent()
        }
        return candidates.first(where: accept)
    }
}
