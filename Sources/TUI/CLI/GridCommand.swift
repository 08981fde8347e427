import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd grid`: the cross product of formats × strategies × ratios × methods.
struct GridCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid", abstract: "Run the experiment grid (formats × quantity × method) and print the results table.",
        discussion: "Finished cells are stored and skipped on a re-run; LLM answers come from the workspace cache.")

    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "Formats, comma-separated: none, patterns, rules, thoughts, all, or combinations like patterns+rules.")
    var formats: String = "none,patterns,rules,thoughts"
    @Option(help: "Sampling strategies, comma-separated: random, length, diversity, difficulty (default: random).")
    var strategies: String?
    @Option(help: "Sampling ratios of the training split, comma-separated (default: 0.1).")
    var ratios: String?
    @Option(help: "Utilisation methods, comma-separated (icl; sft and icl+sft need a fine-tuned student).")
    var methods: String = "icl"
    @Option(help: "Seed for sampling.")
    var seed: UInt64 = 42
    @Option(help: "Only the first N test sessions of each domain.")
    var limit: Int?
    @Option(help: "Scoring mode of the printed table: paper or strict.")
    var mode: ScoringMode = .paper
    @Option(help: "A fine-tuned student registered by 'bundlekd sft train', for the sft and icl+sft methods.")
    var student: String?

    static let methodNames = ["icl", "sft", "icl+sft"]

    func cells() throws -> [ExperimentCell] {
        var cells: [ExperimentCell] = []
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1 test session, got \(limit)") }
        let methodList = methods.split(separator: ",").map(String.init)
        for method in methodList where !Self.methodNames.contains(method) {
            throw ValidationError("unknown method '\(method)' (use \(Self.methodNames.joined(separator: ", ")))")
        }
        let sets = try formats.split(separator: ",").map(String.init).map { label in
            guard let set = ExperimentCell.formats(label) else { throw ValidationError("unknown format '\(label)'") }
            return set
        }
        // Zero-shot cells use no knowledge, so a sampling choice for them alone would be ignored.
        if sets.allSatisfy(\.isEmpty), ratios != nil || strategies != nil {
            throw ValidationError("a sampling \(ratios != nil ? "ratio" : "strategy") has no effect with --formats none "
                                  + "(a zero-shot cell uses no knowledge); drop it or add a knowledge format")
        }
        for set in sets {
            for method in methodList {
                if set.isEmpty { cells.append(ExperimentCell(formats: [], method: method, seed: seed)); continue }
                for name in (strategies ?? "random").split(separator: ",").map(String.init) {
                    guard let strategy = SamplingStrategy(rawValue: name) else { throw ValidationError("unknown strategy '\(name)'") }
                    for text in (ratios ?? "0.1").split(separator: ",") {
                        guard let ratio = Double(text), ratio > 0, ratio <= 1 else { throw ValidationError("bad ratio '\(text)'") }
                        cells.append(ExperimentCell(formats: set, strategy: strategy, ratio: ratio, method: method, seed: seed))
                    }
                }
            }
        }
        return cells
    }

    func validate() throws { _ = try cells() }

    func run() throws {
        let command = self
        try runAsync(cancelOnInterrupt: true) { try await command.grid() }
    }

    private func grid() async throws {
        let datasets = try source.loadPrepared()
        let cells = try cells()
        let started = Date()
        try await LLMSession.run(workspace, roles: [.teacher, .student]) { gateway in
            let runner = ExperimentRunner(gateway: gateway)
            let (tuned, studentServer) = try fineTunedRunner(gateway, needed: cells.contains { $0.method != "icl" })
            do {
                for dataset in datasets {
                    for (index, cell) in cells.enumerated() {
                        let label = "[\(dataset.domain) \(index + 1)/\(cells.count) \(cell.formatLabel) \(cell.formats.isEmpty ? "" : "\(cell.strategy.rawValue) \(cell.ratio) ")\(cell.method)]"
                        _ = try await (cell.method == "icl" ? runner : tuned!).run(cell, dataset: dataset, testLimit: limit) { event in GridProgress.show(label, event) }
                    }
                }
            } catch {
                await studentServer?.stop()
                throw error
            }
            await studentServer?.stop()
            let report = try ExperimentReport.build(workspace: gateway.workspace, datasets: datasets, mode: mode)
            StatusLine.clear()
            print(report.markdown())
        }
        FileHandle.standardError.write(Data(String(format: "grid finished in %.1f s\n", Date().timeIntervalSince(started)).utf8))
    }
}

extension GridCommand {
    /// For sft and icl+sft: the same workspace and teacher, with the registered fine-tuned model as
    /// the student. A model this workbench trained is served by a local server of its own, started
    /// on the first request (the starter is returned so the caller can stop it).
    func fineTunedRunner(_ gateway: LLMGateway, needed: Bool) throws -> (ExperimentRunner?, LocalServerStarter?) {
        guard needed else { return (nil, nil) }
        guard let name = student else { throw ValidationError("--methods sft and icl+sft need --student NAME (a model registered by 'bundlekd sft train')") }
        guard let registered = try gateway.workspace.student(named: name) else {
            throw DataError(file: workspace.config, field: "student", "no fine-tuned student '\(name)' is registered; run 'bundlekd sft train' first")
        }
        var config = gateway.config
        config.student.baseURLs = [registered.baseURL]
        config.student.model = registered.model
        guard let modelPath = registered.modelPath else {
            return (ExperimentRunner(gateway: try LLMGateway(config: config, workspace: gateway.workspace)), nil)
        }
        guard FileManager.default.fileExists(atPath: modelPath) else {
            throw DataError(file: modelPath, field: "student", "the fine-tuned model of '\(name)' is missing; train it again with 'bundlekd sft train'")
        }
        let starter = LocalServerStarter(settings: FineTunedStudent.serverSettings(for: registered, config: gateway.config))
        let tuned = try LLMGateway(config: config, workspace: gateway.workspace) { _ in try await starter.ensureRunning() }
        return (ExperimentRunner(gateway: tuned), starter)
    }
}

extension ScoringMode: ExpressibleByArgument {}

/// One status line for the grid on stderr.
enum GridProgress {
    static func show(_ label: String, _ event: ExperimentEvent) {
        var line: String?
        switch event {
        case .sessionDone(let done, let total): line = "\(label) student \(done)/\(total) sessions"
        case .extraction(.progress(let p)): line = "\(label) teacher \(p.stage.stageName) \(p.stepsDone)/\(p.stepsTotal) steps, \(p.calls) calls (\(p.cacheHits) cached)"
        case .cellFinished(let run, let resumed): line = "\(label) \(resumed ? "already done" : String(format: "done in %.1f s", run.seconds))"
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
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Print the results table of stored runs (md, csv, json or latex).")
    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "paper or strict.") var mode: ScoringMode = .paper
    @Option(help: "md, csv, json or latex.") var format: String = "md"

    func validate() throws {
        guard ["md", "csv", "json", "latex"].contains(format) else { throw ValidationError("--format must be md, csv, json or latex") }
    }

    func run() throws {
        try reportingFailures {
            let report = try ExperimentReport.build(workspace: workspace.openWorkspace(workspace.loadConfig()),
                                                    datasets: source.loadPrepared(), mode: mode)
            switch format {
            case "csv": print(report.csv())
            case "json": print(report.json())
            case "latex": print(report.latex())
            default: print(report.markdown())
            }
        }
    }
}

/// `bundlekd rescore`: the same table in another scoring mode, from stored predictions only.
struct RescoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rescore", abstract: "Re-score stored predictions in a mode (no model calls).")
    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "paper or strict.") var mode: ScoringMode = .strict

    func run() throws {
        try reportingFailures {
            print(try ExperimentReport.build(workspace: workspace.openWorkspace(workspace.loadConfig()),
                                             datasets: source.loadPrepared(), mode: mode).markdown())
        }
    }
}
