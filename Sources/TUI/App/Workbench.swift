import Foundation
import Pipeline

/// Opens the terminal, the workspace and the background worker, and runs the app until it quits.
enum Workbench {
    /// Everything the app needs, resolved from the command line by the CLI.
    struct Launch {
        var config: WorkspaceConfig
        var databasePath: String
        var dataPath: String
        var sourceLabel: String
        var themeName: String
        var vimKeys: Bool
        /// Reads and prepares the datasets; called on a background thread.
        var loadData: @Sendable () throws -> [Dataset]
        var demo: (script: DemoScript, pace: Double)?
    }

    static func run(_ launch: Launch) throws {
        let trace = FrameTrace()
        trace?.reached(.workbenchStarted)
        if let problem = TerminalCheck.problem() { fail(problem) }
        guard FileManager.default.fileExists(atPath: launch.dataPath) else {
            fail("\(launch.dataPath): no such file or folder")
        }
        // The first frame does not wait for the data: it is read in the background from here on
        // (while the workspace and the terminal open) and arrives as a message.
        let wakeup: Wakeup
        do { wakeup = try Wakeup() } catch { fail("\(error)") }
        let inbox = Inbox(posted: wakeup.signal)
        let (load, label) = (launch.loadData, launch.sourceLabel)
        Thread.detachNewThread {
            do {
                trace?.reached(.loaderStarted)
                let datasets = try load()
                trace?.reached(.dataLoaded)
                inbox.post(
                    .datasetsLoaded(datasets, label: label + " · " + datasets.map(\.domain).joined(separator: ", ")))
            } catch {
                inbox.post(.dataLoadFailed("\(error)"))
            }
        }
        let theme: Theme
        switch ThemeCatalog.load(launch.themeName) {
        case .success(let loaded): theme = loaded
        case .failure(let error): fail("\(error)")
        }
        let store: Workspace
        do { store = try Workspace(path: launch.databasePath) } catch { fail("\(error)") }
        var model = AppModel(datasets: [], sourceLabel: launch.sourceLabel, theme: theme)
        model.loading = "reading \(launch.dataPath)…"
        model.themeName = launch.themeName
        model.themeNames = ThemeCatalog.names()
        model.vimKeys = launch.vimKeys
        model.workspaceLabel =
            "\((launch.databasePath as NSString).lastPathComponent) · T \(launch.config.teacher.model)"
            + " · S \(launch.config.student.model)"
        model.extract.teacher = launch.config.teacher
        let backend: NcursesBackend
        do { backend = try NcursesBackend(wakeup: wakeup) } catch { fail("\(error)") }
        let status = RuntimeStatus()
        let worker = Worker(
            inbox: inbox, datasets: [], config: launch.config, workspace: store, workspacePath: launch.databasePath)
        if let demo = launch.demo {
            DemoDriver(script: demo.script, inbox: inbox, status: status, pace: demo.pace).start()
        }
        // A signal asks the loop to quit (the terminal is restored, work cancelled, the server
        // stopped); ExitSignals stops whatever is left after 3 s and exits 128 + n.
        ExitSignals.install([SIGTERM, SIGHUP, SIGINT], grace: 3) { _ in status.quitRequested = true }
        var runtime = Runtime(
            model: model, backend: backend, worker: worker, inbox: inbox, status: status, trace: trace,
            resolveTheme: ThemeCatalog.load)
        runtime.run()
        if let number = ExitSignals.received { Foundation.exit(128 + number) }
        if let failure = runtime.failure {
            FileHandle.standardError.write(Data("bundlekd: \(failure)\n".utf8))
            Foundation.exit(1)
        }
    }

    /// One line on stderr and exit 2: the workbench could not start.
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("bundlekd: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
