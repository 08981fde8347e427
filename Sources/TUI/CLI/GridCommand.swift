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
    @Option(help: "Sampling ratios of the training split, comma-separated (default: 0.1).")
    var ratios: String?
    @Option(help: "Utilisation methods, comma-separated: icl, sft, icl+sft (the last two need --student).")
    var methods: String = UtilisationMethod.icl.rawValue
    @Option(help: "Seed for sampling.")
    var seed: UInt64 = 42
    @Option(help: "Only the first N test sessions of each domain.")
    var limit: Int?
    @Option(help: "Scoring mode of the printed table: paper or strict.")
    var mode: ScoringMode = .paper
    @Option(help: "A fine-tuned student registered by 'bundlekd sft train', for the sft and icl+sft methods.")
    var student: String?

    /// The axes as given; every value is checked here, so a bad one is a usage error.
    func axes() throws -> GridAxes {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1 test session, got \(limit)") }
        let names = UtilisationMethod.allCases.map(\.rawValue).joined(separator: ", ")
        let methodList = try Self.list(methods).map { name in
            guard let method = UtilisationMethod(rawValue: name) else {
                throw ValidationError("unknown method '\(name)' (use \(names))")
            }
            return method
        }
        if methodList.contains(where: \.needsFineTunedStudent), student == nil {
            throw ValidationError(
                "--methods sft and icl+sft need --student NAME (a model registered by 'bundlekd sft train')")
        }
        let sets = try Self.list(formats).map { label in
            guard let set = ExperimentCell.formats(label) else { throw ValidationError("unknown format '\(label)'") }
            return set
        }
        // Zero-shot cells use no knowledge, so a sampling choice for them alone would be ignored.
        if sets.allSatisfy(\.isEmpty), ratios != nil || strategies != nil {
            throw ValidationError(
                "a sampling \(ratios != nil ? "ratio" : "strategy") has no effect with --formats none "
                    + "(a zero-shot cell uses no knowledge); drop it or add a knowledge format")
        }
        let strategyList = try Self.list(strategies ?? "random").map { name in
            guard let strategy = SamplingStrategy(rawValue: name) else {
                throw ValidationError("unknown strategy '\(name)'")
            }
            return strategy
        }
        let ratioList = try Self.list(ratios ?? "0.1").map { text in
            guard let ratio = Double(text), ratio > 0, ratio <= 1 else { throw ValidationError("bad ratio '\(text)'") }
            return ratio
        }
        return GridAxes(formats: sets, strategies: strategyList, ratios: ratioList, methods: methodList, seed: seed)
    }

    static func list(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }

    func validate() throws { _ = try axes() }

    func run() async throws {
        let command = self
        try await runCommand(cancelOnInterrupt: true) { try await command.grid() }
    }

    private func grid() async throws {
        let datasets = try source.loadPrepared()
        let cells = try axes().cells
        let started = Date()
        try await LLMSession.run(workspace, roles: [.teacher, .student]) { gateway in
            let grid = ExperimentGrid(gateway: gateway, student: student, report: LLMSession.toStandardError)
            _ = try await grid.run(cells, datasets: datasets, testLimit: limit) { GridProgress.show($0, $1) }
            let report = try ExperimentReport.build(workspace: gateway.workspace, datasets: datasets, mode: mode)
            StatusLine.clear()
            print(report.markdown())
        }
        StatusLine.write(String(format: "grid finished in %.1f s\n", Date().timeIntervalSince(started)))
    }
}

extension ScoringMode: ExpressibleByArgument {}
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

    enum TableFormat: String, CaseIterable, ExpressibleByArgument { case md, csv, json, latex }

    func run() throws {
        try reportingFailures {
            let report = try ExperimentReport.build(
                workspace: workspace.openWorkspace(workspace.loadConfig()),
                datasets: source.loadPrepared(), mode: mode)
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
                    workspace: workspace.openWorkspace(workspace.loadConfig()),
                    datasets: source.loadPrepared(), mode: mode
                ).markdown())
        }
    }
}
