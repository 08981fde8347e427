import ArgumentParser
import Pipeline

/// `bundlekd tui` (the default): the terminal workbench.
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the terminal workbench (the default when no subcommand is given).")

    @OptionGroup var source: DataOptions

    @Option(help: "A theme name from themes/ or a path to a theme .toml file.")
    var theme: String = "default"

    func run() throws {
        try reportingFailures {
            print("tui: not yet")
        }
    }
}
