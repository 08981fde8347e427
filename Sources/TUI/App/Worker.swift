import Foundation
import Pipeline

/// Runs the workbench's long work off the UI thread — reading the workspace, the teacher's
/// extraction, the experiment grid — and reports through the inbox. At most one extraction or
/// grid runs at a time; it can be paused (no new request starts) and cancelled.
final class Worker: @unchecked Sendable {
    let inbox: Inbox
    private let datasetsLock = NSLock()
    private var loadedDatasets: [Dataset]
    /// Set once the data has been read in the background.
    var datasets: [Dataset] {
        get { datasetsLock.withLock { loadedDatasets } }
        set { datasetsLock.withLock { loadedDatasets = newValue } }
    }
    let config: WorkspaceConfig
    let workspace: Workspace
    let workspacePath: String
    private let gate = PauseGate()
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    init(inbox: Inbox, datasets: [Dataset], config: WorkspaceConfig, workspace: Workspace, workspacePath: String) {
        self.inbox = inbox
        loadedDatasets = datasets
        self.config = config
        self.workspace = workspace
        self.workspacePath = workspacePath
    }

    func reload(baselineRunID: Int64?, mode: ScoringMode) {
        let datasets = self.datasets
        Task.detached { [self] in
            do {
                inbox.post(
                    .workspaceLoaded(
                        try WorkspaceSnapshot.load(
                            workspace, path: workspacePath, datasets: datasets,
                            mode: mode, baselineRunID: baselineRunID)))
            } catch {
                inbox.post(.notice("\(workspacePath): cannot read the workspace: \(error)"))
            }
        }
    }

    func startExtraction(stages: [KnowledgeFormat], plan: SamplePlan) {
        let datasets = self.datasets
        start(.extraction) { [self] gateway in
            let sample = try plan.resolve(datasets, workspace: workspace)
            inbox.post(
                .workStarted(
                    .extraction,
                    detail: "\(stages.map(\.stageName).joined(separator: ", ")) on \(sample.count) sessions"))
            _ = try await Extractor(gateway: gateway).run(stages: stages, datasets: datasets, sample: sample) {
                [inbox] in
                inbox.post(.extraction($0))
            }
        }
    }

    func startGrid(cells: [ExperimentCell], testLimit: Int?) {
        let datasets = self.datasets
        start(.grid) { [self] gateway in
            inbox.post(.workStarted(.grid, detail: "\(cells.count) cells × \(datasets.count) domains"))
            _ = try await ExperimentGrid(gateway: gateway, report: { [inbox] in inbox.post(.notice($0)) })
                .run(cells, datasets: datasets, tests: testLimit.map(TestSessions.first) ?? .all) { [inbox] _, event in
                    inbox.post(.experiment(event))
                }
        }
    }

    func startAttribution(runID: Int64, sessions: Int?) {
        let datasets = self.datasets
        start(.attribution) { [self] gateway in
            guard let run = try workspace.runs().first(where: { $0.id == runID }),
                let dataset = datasets.first(where: { $0.domain == run.domain })
            else { throw DataError(file: workspacePath, field: "run", "no run \(runID) with its data loaded") }
            inbox.post(.workStarted(.attribution, detail: "\(run.numberedLabel), \(sessions ?? run.sessions) sessions"))
            _ = try await ExperimentGrid(gateway: gateway, report: { [inbox] in inbox.post(.notice($0)) })
                .attribute(run, dataset: dataset, sessions: sessions, knowledgeSources: datasets) { [inbox] in
                    inbox.post(.experiment($0))
                }
        }
    }

    /// Stores a curated set as its name's next version, then rereads the workspace.
    func save(_ draft: KnowledgeCuration, name: String, author: String, baselineRunID: Int64?, mode: ScoringMode) {
        do {
            let saved = try workspace.save(draft, name: name, author: author)
            inbox.post(.notice("saved knowledge set \(saved.reference): use it with --knowledge \(saved.reference)"))
        } catch {
            inbox.post(.notice("\(workspacePath): cannot save the knowledge set '\(name)': \(error)"))
        }
        reload(baselineRunID: baselineRunID, mode: mode)
    }

    private func start(_ kind: WorkKind, _ body: @escaping @Sendable (LLMGateway) async throws -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard task == nil else { inbox.post(.notice("other work is running")); return }
        let gate = self.gate, inbox = self.inbox
        task = Task.detached { [self] in
            await gate.set(paused: false)
            var failure: String?
            do {
                try await LLMSession.run(
                    config: config, workspace: workspace, beforeNetwork: { _ in await gate.wait() },
                    report: { inbox.post(.notice($0)) },
                    waiting: { inbox.post(.serverWaiting($0, seconds: $1)) }, body)
            } catch {
                // A cancelled transfer may surface as its own error rather than CancellationError.
                failure =
                    error is CancellationError || Task.isCancelled
                    ? "cancelled; finished steps are stored and resume next time" : "\(error)"
            }
            lock.withLock { task = nil }
            inbox.post(.workFinished(kind, failure: failure))
        }
    }

    func setPaused(_ paused: Bool) {
        Task { await gate.set(paused: paused) }
    }

    /// Cancels the running work; a paused request is released first so it can see the cancel.
    func cancel() {
        let running = lock.withLock { task }
        guard let running else { return }
        Task {
            await gate.set(paused: false)
            running.cancel()
        }
    }

    /// Cancels and waits (briefly) for the work to wind down, so the local server is stopped.
    func shutdown() {
        let running = lock.withLock { task }
        guard let running else { return }
        running.cancel()
        let done = DispatchSemaphore(value: 0)
        Task {
            await gate.set(paused: false); _ = await running.value; done.signal()
        }
        _ = done.wait(timeout: .now() + 10)
    }
}
