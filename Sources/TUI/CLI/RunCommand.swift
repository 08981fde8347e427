import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd run`: one experiment cell (the grid with one value per axis).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run one experiment cell and print its row of the results table.")

    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "Knowledge formats: none, patterns, rules, thoughts, all, or e.g. patterns+rules.")
    var formats: String = "none"
    @Option(help: "Sampling strategy: random, length, diversity or difficulty.")
    var strategy: SamplingStrategy = .random
    @Option(help: "Sampling ratio of the training split.")
    var ratio: Double = 0.1
    @Option(help: "icl, sft or icl+sft (the last two use --student, a fine-tuned model registered by 'bundlekd sft train').")
    var method: String = "icl"
    @Option(help: "A registered fine-tuned student to use for sft and icl+sft.")
    var student: String?
    @Option(help: "Seed for sampling.")
    var seed: UInt64 = 42
    @Option(help: "Only the first N test sessions of each domain.")
    var limit: Int?
    @Option(help: "Scoring mode of the printed row: paper or strict.")
    var mode: ScoringMode = .paper

    func run() throws {
        var grid = try GridCommand.parse(["--formats", formats, "--strategies", strategy.rawValue, "--ratios", String(ratio),
                                           "--methods", method, "--seed", String(seed), "--mode", mode.rawValue]
                                          + (limit.map { ["--limit", String($0)] } ?? []) + (student.map { ["--student", $0] } ?? []))
        grid.source = source
        grid.workspace = workspace
        try grid.run()
    }
}
