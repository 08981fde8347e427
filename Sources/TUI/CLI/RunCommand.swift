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
    @Option(help: "Only the first N test sessions of each domain.")
    var limit: Int?
    @Option(help: "Scoring mode of the printed row: paper or strict.")
    var mode: ScoringMode = .paper

    /// The one-cell grid, its fields set by name (not through an argv that a renamed flag would break).
    func grid() throws -> GridCommand {
        var grid = try GridCommand.parse([])
        grid.formats = formats
        grid.strategies = sampling.strategy?.rawValue
        grid.ratios = sampling.ratio.map { String($0) }
        grid.methods = method.rawValue
        grid.seed = sampling.seed
        grid.limit = limit
        grid.mode = mode
        grid.student = student
        return grid
    }

    func validate() throws { try grid().validate() }

    func run() async throws {
        var grid = try grid()
        grid.source = source
        grid.workspace = workspace
        try await grid.run()
    }
}
