import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd grid`: the cross product of formats × strategies × ratios × methods.
struct GridCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid",
        abstract: "Run the experiment grid (formats × quantity × method) and print the results table.",
        discussion: "Finished cells are stored and skipped on a re-run; LLM answers come from the workspace cache.")

    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions

    @Option(
        help: "Formats, comma-separated: none, patterns, rules, thoughts, all, or combinations like patterns+rules.")
    var formats: String = "none,patterns,rules,thoughts"
    @Option(help: "Sampling strategies, comma-separated: random, length, diversity, difficulty (default: random).")
    var strategies: String?
    @Option(parsing: .unconditional, help: "Sampling ratios of the training split, comma-separated (default: 0.1).")
    var ratios: String?
    @Option(
        help: """
            Utilisation methods, comma-separated: icl, sft, icl+sft, teacher, aicl, or the no-model baselines \
            random, first-pair, same-category, mined-pairs (sft and icl+sft train a student per format and ratio \
            unless --student names one; the first three baselines are added to every grid).
            """)
    var methods: String = UtilisationMethod.icl.rawValue
    @Option(parsing: .unconditional, help: "Seed for sampling.")
    var seed: UInt64 = 42
    @OptionGroup var testSet: RunGridOptions
    @Option(help: "Scoring mode of the printed table: paper or strict.")
    var mode: ScoringMode = .paper
    @Option(help: "A fine-tuned student registered by 'bundlekd sft train', for the sft and icl+sft methods.")
    var student: String?
    @Option(help: "Pool each cell's knowledge from these domains' samples, e.g. electronic,clothing,food.")
    var knowledgeDomains: String?
    @Option(
        name: .customLong("knowledge"),
        help: "A curated knowledge set (NAME or NAME@VERSION) in place of the teacher's items it holds.")
    var knowledgeSet: String?

    /// The axes as given; a bad value is a usage error (GridAxes.parse checks each one).
    func axes() throws -> GridAxes {
        do {
            var axes = try GridAxes.parse(
                formats: formats, strategies: strategies, ratios: ratios, methods: methods, seed: seed,
                hasFineTunedStudent: student != nil, knowledgeDomains: knowledgeDomains,
                formatLines: testSet.formatLines)
            axes.knowledgeSet = knowledgeSet
            return axes
        } catch let problem as GridAxes.Problem {
            throw ValidationError(problem.description)
        }
    }

    func validate() throws {
        _ = try axes()
        _ = try testSet.tests(seed: seed)
    }

    func run() async throws {
        let (cells, source, workspace, tests, mode, student) = (
            testSet.replicated(try axes().cells), source, workspace, try testSet.tests(seed: seed), mode, student
        )
        try await runCommand(cancelOnInterrupt: true) {
            try await Self.execute(
                cells, source: source, workspace: workspace, tests: tests, mode: mode, student: student)
        }
    }

    /// Runs `cells` (skipping finished ones), then prints the results table of every stored run.
    static func execute(
        _ cells: [ExperimentCell], source: DataOptions, workspace: WorkspaceOptions, tests: TestSessions,
        mode: ScoringMode, student: String?
    ) async throws {
        let datasets = try source.loadPrepared()
        // Knowledge pooled from other domains needs their data too, whatever --domain tests.
        let pooled = cells.contains { $0.knowledgeDomains != nil }
        var everyDomain = source
        everyDomain.domain = nil
        let sources = pooled ? try everyDomain.loadPrepared() : []
        let started = Date()
        // A named student or set lives in the workspace: without one, refuse before creating it.
        if student != nil || cells.contains(where: { $0.knowledgeSet != nil }) {
            try workspace.requireWorkspace(workspace.loadConfig())
        }
        try await LLMSession.run(workspace, roles: [.teacher, .student]) { gateway in
            let grid = ExperimentGrid(gateway: gateway, student: student, report: LLMSession.toStandardError)
            _ = try await grid.run(cells, datasets: datasets, tests: tests, knowledgeSources: sources) {
                GridProgress.show($0, $1)
            }
            let report = try ExperimentReport.build(workspace: gateway.workspace, datasets: datasets, mode: mode)
            StatusLine.clear()
            print(report.markdown())
        }
        StatusLine.write(String(format: "grid finished in %.1f s\n", Date().timeIntervalSince(started)))
    }
}

extension ScoringMode: ExpressibleByArgument {}
extension Figure: ExpressibleByArgument {}
extension UtilisationMethod: ExpressibleByArgument {}

/// One status line for the grid on stderr.
enum GridProgress {
    static func show(_ position: ExperimentGrid.Position, _ event: ExperimentEvent) {
        var line: String?
        let label = position.label
        switch event {
        case .sessionDone(let done, let total): line = "\(label) student \(done)/\(total) sessions"
        case .extraction(.progress(let p)):
            line =
                "\(label) teacher \(p.stage.stageName) \(p.stepsDone)/\(p.stepsTotal) steps, \(p.calls) calls (\(p.cacheHits) cached)"
        case .training(let student, .step(let step)): line = "\(label) training \(student) · \(step.summary)"
        case .training(let student, .epoch(let epoch, let loss)):
            line = String(format: "%@ training %@ · epoch %d answer-only loss %.4f", label, student, epoch, loss)
        case .cellFinished(let run, let resumed):
            line = "\(label) \(resumed ? "already done" : String(format: "done in %.1f s", run.seconds))"
        default: break
        }
        guard let line else { return }
        var finished = false
        if case .cellFinished = event { finished = true }
        StatusLine.show(line, final: finished)
    }
}

/// `bundlekd report`: the results table of every stored run, scored from stored predictions.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Print the results table of stored runs (md, csv, json or latex).")
    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "paper or strict.") var mode: ScoringMode = .paper
    @Option(help: "md, csv, json or latex.") var format: TableFormat = .md
    @Option(help: "Draw a figure instead: rq1 (formats), rq2 (ratio curves), rq3 (methods) or attribution.")
    var figure: Figure?
    @Option(help: "The figure's file: .svg, .png or .pdf.") var output: String?
    @Option(
        name: .customLong("run"), parsing: .unconditional,
        help: "The run whose attribution to draw (default: the latest attributed).")
    var runID: Int64?
    @Option(
        parsing: .unconditional,
        help: "p-values against this run instead of the zero-shot one (e.g. a cell against its curated twin).")
    var baseline: Int64?

    enum TableFormat: String, CaseIterable, ExpressibleByArgument { case md, csv, json, latex }

    func validate() throws {
        if figure != nil && output == nil { throw ValidationError("--figure needs --output FILE.svg") }
        if figure == nil && output != nil { throw ValidationError("--output goes with --figure") }
        if let output, !Figure.isFigureFile(output) {
            throw ValidationError("--output \(output): a figure is written as .svg, .png or .pdf")
        }
        if runID != nil, figure != .attribution { throw ValidationError("--run goes with --figure attribution") }
    }

    func run() throws {
        try reportingFailures {
            let store = try workspace.openExistingWorkspace(workspace.loadConfig())
            if let baseline, try store.runs().allSatisfy({ $0.id != baseline }) {
                throw DataError(file: store.path ?? "the workspace", field: "--baseline", "no run \(baseline)")
            }
            let datasets = try source.loadPrepared()
            let report = try ExperimentReport.build(
                workspace: store, datasets: datasets, mode: mode, baselineRunID: baseline)
            if let figure, let output {
                var attribution: AttributionReport?
                if figure == .attribution {
                    let runs = try store.runs().reversed()
                    let attributed = try store.attributedRunIDs()
                    guard
                        let run = runs.first(where: { run in
                            runID.map { run.id == $0 } ?? run.id.map(attributed.contains) ?? false
                        }), let dataset = datasets.first(where: { $0.domain == run.domain })
                    else {
                        throw DataError(
                            file: "--run", field: "run",
                            runID.map { "no run \($0) with its domain in the data" } ?? "no run has an attribution yet")
                    }
                    attribution = try AttributionReport.build(workspace: store, run: run, dataset: dataset, mode: mode)
                }
                let payload = try Figure.payload(
                    figure, report: report, attribution: attribution, items: try store.knowledge())
                try Figure.render(payload, to: output, report: LLMSession.toStandardError)
                return print("wrote \(output)")
            }
            switch format {
            case .csv: print(report.csv())
            case .json: print(report.json())
            case .latex: print(report.latex())
            case .md: print(report.markdown())
            }
        }
    }
}

/// `bundlekd rescore`: the same table in another scoring mode, from stored predictions only.
struct RescoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescore", abstract: "Re-score stored predictions in a mode (no model calls).")
    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "paper or strict.") var mode: ScoringMode = .strict

    func run() throws {
        try reportingFailures {
            print(
                try ExperimentReport.build(
                    workspace: workspace.openExistingWorkspace(workspace.loadConfig()),
                    datasets: source.loadPrepared(), mode: mode
                ).markdown())
        }
    }
}
