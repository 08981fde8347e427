import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd attribute`: which knowledge item helped which session — the run's cell re-asked
/// with each item left out in turn (resumable, cached), then the table of effects.
struct AttributeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribute",
        abstract: "Attribute a run's outcome to its knowledge items by leaving each out in turn.",
        discussion: """
            Every ablated answer is stored as it arrives and every call goes through the cache, so a killed \
            attribution resumes and a finished one reruns without a model call. With more items than \
            --max-units, contiguous groups of items are left out together.
            """)

    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions
    @Option(
        parsing: .unconditional, help: "The run to attribute (its id in 'bundlekd report' or the Experiments screen).")
    var run: Int64
    @Option(parsing: .unconditional, help: "Only its first K test sessions.") var sessions: Int?
    @Option(parsing: .unconditional, help: "At most this many units (items, or groups of items) to leave out.")
    var maxUnits: Int = 24
    @Option(help: "Scoring mode of the table: paper or strict.") var mode: ScoringMode = .paper
    @Option(help: "Order of the table: prompt (as the prompt lists them) or effect (Δprecision, best first).")
    var sort: Order = .prompt

    enum Order: String, CaseIterable, ExpressibleByArgument { case prompt, effect }

    func validate() throws {
        if let sessions, sessions < 1 { throw ValidationError("--sessions must be at least 1, got \(sessions)") }
        if maxUnits < 1 { throw ValidationError("--max-units must be at least 1, got \(maxUnits)") }
    }

    func run() async throws {
        let (source, options, id, sessions, maxUnits, mode, sort) = (
            source, workspace, run, sessions, maxUnits, mode, sort
        )
        try await runCommand(cancelOnInterrupt: true) {
            var everyDomain = source
            everyDomain.domain = nil
            let datasets = try everyDomain.loadPrepared()
            try options.requireWorkspace(options.loadConfig())  // the run to attribute lives there
            try await LLMSession.run(options, roles: [.teacher, .student]) { gateway in
                let workspace = gateway.workspace
                guard let run = try workspace.runs().first(where: { $0.id == id }) else {
                    throw DataError(file: "--run", field: "run", "no run \(id) in \(workspace.path ?? "the workspace")")
                }
                guard let dataset = datasets.first(where: { $0.domain == run.domain }) else {
                    throw DataError(
                        file: "--data", field: "domain", "run \(id) is on '\(run.domain)', which the data lacks")
                }
                let grid = ExperimentGrid(gateway: gateway, report: LLMSession.toStandardError)
                _ = try await grid.attribute(
                    run, dataset: dataset, sessions: sessions, maxUnits: maxUnits, knowledgeSources: datasets
                ) { event in
                    if case .sessionDone(let done, let total) = event {
                        StatusLine.show("attribute run \(id): \(done)/\(total) answers", final: false)
                    }
                }
                let report = try AttributionReport.build(workspace: workspace, run: run, dataset: dataset, mode: mode)
                let effects =
                    sort == .effect ? report.effects.sorted { $0.precision.mean > $1.precision.mean } : report.effects
                StatusLine.clear()
                print(report.markdown(items: try workspace.knowledge(domain: run.domain), effects: effects))
            }
        }
    }
}
