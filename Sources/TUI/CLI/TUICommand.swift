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

    @Option(help: "Seconds between scripted key presses.")
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

/// Opens the terminal, the workspace and the background worker, and runs the app.
enum Workbench {
    static func open(
        source: DataOptions, workspace options: WorkspaceOptions, look: LookOptions,
        demo: (script: DemoScript, pace: Double)?
    ) throws {
        let trace = FrameTrace()
        if let problem = TerminalCheck.problem() { fail(problem) }
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let themeName = noColor ? "mono" : look.theme
        let theme: Theme
        switch loadTheme(themeName) {
        case .success(let loaded): theme = loaded
        case .failure(let error): fail("\(error)")
        }
        let config: WorkspaceConfig
        let store: Workspace
        let path: String
        do {
            config = try options.loadConfig()
            path = options.databasePath(config)
            store = try Workspace(path: path)
        } catch { fail("\(error)") }
        let dataPath: String
        do { dataPath = try source.data ?? DemoData.locate() } catch { fail("\(error)") }
        guard FileManager.default.fileExists(atPath: dataPath) else { fail("\(dataPath): no such file or folder") }
        // The first frame does not wait for the data: it is read in the background and arrives as a message.
        var model = AppModel(datasets: [], sourceLabel: source.data ?? "demo", theme: theme)
        model.loading = "reading \(dataPath)…"
        model.themeName = themeName
        model.themeNames = themeNames()
        model.vimKeys = look.vim
        model.workspaceLabel =
            "\((path as NSString).lastPathComponent) · T \(config.teacher.model) · S \(config.student.model)"
        model.extract.teacher = config.teacher
        let backend: NcursesBackend
        do { backend = try NcursesBackend() } catch { fail("\(error)") }
        let inbox = Inbox(), status = RuntimeStatus()
        let worker = Worker(inbox: inbox, datasets: [], config: config, workspace: store, workspacePath: path)
        Thread.detachNewThread {
            do {
                let datasets = try source.loadPrepared()
                let label = (source.data ?? "demo") + " · " + datasets.map(\.domain).joined(separator: ", ")
                inbox.post(.datasetsLoaded(datasets, label: label))
            } catch {
                inbox.post(.dataLoadFailed("\(error)"))
            }
        }
        if let demo { DemoDriver(script: demo.script, inbox: inbox, status: status, pace: demo.pace).start() }
        // A signal asks the loop to quit (the terminal is restored, work cancelled, the server
        // stopped); ExitSignals stops whatever is left after 3 s and exits 128 + n.
        ExitSignals.install([SIGTERM, SIGHUP, SIGINT], grace: 3) { _ in status.quitRequested = true }
        var runtime = Runtime(
            model: model, backend: backend, worker: worker, inbox: inbox, status: status, trace: trace,
            resolveTheme: loadTheme)
        runtime.run()
        if let number = ExitSignals.received { Foundation.exit(128 + number) }
        if let failure = runtime.failure {
            FileHandle.standardError.write(Data("bundlekd: \(failure)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The built-in "mono" (also what NO_COLOR gives), a theme in themes/, or a .toml path.
    static func loadTheme(_ name: String) -> Result<Theme, Error> {
        if name == "mono" { return .success(.monochrome) }
        let path = name.hasSuffix(".toml") ? name : ResourceLocator.find("themes/\(name).toml")
        guard let path else {
            if name == "default" { return .success(Theme()) }  // the built-in copy of the default theme
            return .failure(
                ThemeFile.Failure(
                    description: "theme '\(name)' not found in themes/ (try \(themeNames().joined(separator: ", ")))"))
        }
        return Result { try ThemeFile.load(path: path) }
    }

    static func themeNames() -> [String] {
        let folder = ResourceLocator.find("themes")
        let files = folder.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0) } ?? []
        let names = files.filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
        return (names.isEmpty ? ["default"] : names) + ["mono"]
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("bundlekd: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
