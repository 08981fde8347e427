import ArgumentParser
import Pipeline

/// How training sessions are sampled for the teacher: shared by `extract` and `run` (`grid`
/// takes lists of the same axes). Left out, strategy and ratio are random and 0.1; `run` needs
/// to know whether they were given (a zero-shot cell has no sample).
struct SampleOptions: ParsableArguments {
    @Option(help: "How training sessions are sampled: random, length, diversity or difficulty (default: random).")
    var strategy: SamplingStrategy?

    @Option(
        parsing: .unconditional,
        help: "The share of each domain's training sessions to sample, in (0, 1] (default: 0.1).")
    var ratio: Double?

    @Option(parsing: .unconditional, help: "Seed for the sample.")
    var seed: UInt64 = 42

    var chosenStrategy: SamplingStrategy { strategy ?? .random }
    var chosenRatio: Double { ratio ?? 0.1 }

    func validate() throws {
        if let ratio, !(ratio > 0 && ratio <= 1) { throw ValidationError("--ratio must be in (0, 1], got \(ratio)") }
    }
}
