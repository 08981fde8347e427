import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd run`: one experiment cell (the grid with one value per axis).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run one experiment cell and print its row of the results table.")

    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "Knowledge formats: none, patterns, rules, thoughts, all, or e.g. patterns+rules.")
    var formats: String = FormatSet.zeroShotLabel
    @OptionGroup var sampling: SampleOptions
    @Option(
        help: "icl, sft or icl+sft (the last two use --student, a fine-tuned model registered by 'bundlekd sft train')."
    )
    var method: UtilisationMethod = .icl
    @Option(help: "A registered fine-tuned student to use for sft and icl+sft.")
    var student: String?
    @Option(help: "Pool the knowledge from these domains' samples, e.g. electronic,clothing,food.")
    var knowledgeDomains: String?
    @Option(
        name: .customLong("knowledge"),
        help: "A curated knowledge set (NAME or NAME@VERSION) in place of the teacher's items it holds.")
    var knowledgeSet: String?
    @OptionGroup var testSet: RunGridOptions
    @Option(help: "Scoring mode of the printed row: paper or strict.")
    var mode: ScoringMode = .paper

    /// The one cell, checked by the same rules as a grid's axes.
    func cell() throws -> ExperimentCell {
        do {
            var axes = try GridAxes.parse(
                formats: formats, strategies: sampling.strategy?.rawValue, ratios: sampling.ratio.map { String($0) },
                methods: method.rawValue, seed: sampling.seed, hasFineTunedStudent: student != nil,
                knowledgeDomains: knowledgeDomains, formatLines: testSet.formatLines)
            axes.knowledgeSet = knowledgeSet
            guard let cell = axes.cells.first, axes.cells.count == 1 else {
                let lines = testSet.formatLines ?? FormatLine.standard.rawValue
                throw ValidationError(
                    "a run is one cell: --formats and --format-lines must each name one value, got '\(formats)' "
                        + "and '\(lines)' (use 'grid')")
            }
            // One cell says exactly what it runs: a flag its method would ignore is refused.
            let asked = FormatSet(label: formats)?.formats ?? []  // the cell of a method without knowledge has none
            if cell.method.isSampleFree, !asked.isEmpty {
                throw ValidationError(
                    "--method \(cell.method.rawValue) uses no distilled knowledge, so --formats \(formats) would be "
                        + "ignored; drop --formats")
            }
            if cell.formats.isEmpty, knowledgeSet != nil {
                throw ValidationError(
                    "--knowledge has no effect with --formats none (a zero-shot cell has no knowledge)")
            }
            return cell
        } catch let problem as GridAxes.Problem {
            throw ValidationError(problem.description)
        }
    }

    func validate() throws {
        _ = try cell()
        _ = try testSet.tests(seed: sampling.seed)
    }

    func run() async throws {
        let (cells, source, workspace, tests, mode, student) = (
            testSet.replicated([try cell()]), source, workspace, try testSet.tests(seed: sampling.seed), mode, student
        )
        try await runCommand(cancelOnInterrupt: true) {
            try await GridCommand.execute(
                cells, source: source, workspace: workspace, tests: tests, mode: mode, student: student)
        }
    }
}
