import Foundation
import Pipeline

/// The themes a user can pick: the built-in "mono" (also what NO_COLOR gives), the files in
/// themes/, or a path to a .toml file.
enum ThemeCatalog {
    static func load(_ name: String) -> Result<Theme, Error> {
        if name == "mono" { return .success(.monochrome) }
        let path = name.hasSuffix(".toml") ? name : ResourceLocator.find("themes/\(name).toml")
        guard let path else {
            if name == "default" { return .success(Theme()) }  // the built-in copy of the default theme
            return .failure(
                ThemeFile.Failure(
                    description: "theme '\(name)' not found in themes/ (try \(names().joined(separator: ", ")))"))
        }
        return Result { try ThemeFile.load(path: path) }
    }

    static func names() -> [String] {
        let folder = ResourceLocator.find("themes")
        let files = folder.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0) } ?? []
        let names = files.filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
        return (names.isEmpty ? ["default"] : names) + ["mono"]
    }
}
