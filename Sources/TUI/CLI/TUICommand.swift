import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd tui` (the default): the terminal workbench.
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the terminal workbench (the default when no subcommand is given).")

    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var look: LookOptions

    func run() throws {
        try Workbench.open(source: source, workspace: workspace, look: look, demo: nil)
    }
}

/// `bundlekd demo`: a scripted walk through all five screens.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play a scripted walk through all five screens on the demo dataset.",
        discussion: """
            The script is a plain text file (default demo/walkthrough.txt; see its header for the commands). \
            Teacher and student answers come from the workspace cache when present and from the local model otherwise, \
            so a rehearsed talk needs no network. Keys still work while it plays; q quits.
            """)

    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var look: LookOptions

    @Option(help: "The demo script.")
    var script: String?

    @Option(parsing: .unconditional, help: "Seconds between scripted key presses.")
    var pace: Double = 0.6

    func run() throws {
        guard let path = script ?? ResourceLocator.find("demo/walkthrough.txt") else {
            Workbench.fail("demo/walkthrough.txt not found; pass --script FILE")
        }
        let demo: DemoScript
        do { demo = try DemoScript.load(path: path) } catch { Workbench.fail("\(error)") }
        try Workbench.open(source: source, workspace: workspace, look: look, demo: (demo, pace))
    }
}

struct LookOptions: ParsableArguments {
    @Option(
        help:
            "A theme from themes/ (default, light, high-contrast), mono, or a path to a .toml file. NO_COLOR=1 forces mono."
    )
    var theme: String = "default"

    @Flag(help: "Vim keys: h and l switch screens (j k g G work everywhere).")
    var vim = false
}

extension Workbench {
    /// Resolves the command line (config, workspace path, data path, theme) and runs the app.
    static func open(
        source: DataOptions, workspace options: WorkspaceOptions, look: LookOptions,
        demo: (script: DemoScript, pace: Double)?
    ) throws {
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        do {
            let config = try options.loadConfig()
            try run(
                Launch(
                    config: config, databasePath: options.databasePath(config),
                    dataPath: try source.data ?? DemoData.locate(), sourceLabel: source.data ?? "demo",
                    themeName: noColor ? "mono" : look.theme, vimKeys: look.vim,
                    loadData: { try source.loadPrepared() }, demo: demo))
        } catch { fail("\(error)") }
    }
}
