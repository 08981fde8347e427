import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd tui` (the default): the terminal workbench.
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the terminal workbench (the default when no subcommand is given).")

    @OptionGroup var source: DataOptions

    @Option(help: "A theme name from themes/ or a path to a theme .toml file. NO_COLOR=1 forces black and white.")
    var theme: String = "default"

    func run() throws {
        if let problem = TerminalCheck.problem() { fail(problem) }
        let theme = try loadTheme()
        try reportingFailures {
            let datasets = try source.loadPrepared()
            let label = (source.data ?? "demo") + " · " + datasets.map(\.domain).joined(separator: ", ")
            let backend: NcursesBackend
            do { backend = try NcursesBackend() } catch { fail("\(error)") }
            var runtime = Runtime(model: AppModel(datasets: datasets, sourceLabel: label, theme: theme), backend: backend)
            runtime.run()
        }
    }

    private func loadTheme() throws -> Theme {
        if let noColor = ProcessInfo.processInfo.environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        let path = theme.hasSuffix(".toml") ? theme : ResourceLocator.find("themes/\(theme).toml")
        guard let path else {
            if theme == "default" { return Theme() }   // the built-in copy of the default theme
            fail("theme '\(theme)' not found in themes/")
        }
        do { return try ThemeFile.load(path: path) } catch { fail("\(error)") }
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("bundlekd: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
