import ArgumentParser
import Pipeline

/// What `run` and `grid` share: which test sessions they answer, how many times each cell is
/// generated, and the student prompt's format lines.
struct RunGridOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: "Only the first N test sessions of each domain (a biased pilot: prefer --sessions stratified:K).")
    var limit: Int?
    @Option(
        help: """
            A session set: stratified:K (K sessions of 3+ products, equally many per length, seeded by --seed) \
            or a file of test session ids, one a line.
            """)
    var sessions: String?
    @Option(
        parsing: .unconditional,
        help: "Generate each model cell N times afresh (rounds enter the cache key); the report gives the spread.")
    var repeats: Int = 1
    @Option(
        help: """
            The student prompt's format line, comma-separated: example (today's, showing [1, 2]), shape (the \
            answer described without numbers), none (the grammar alone fixes the shape).
            """)
    var formatLines: String?

    /// The selection as given; a bad value is a usage error naming the flag.
    func tests(seed: UInt64) throws -> TestSessions {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1 test session, got \(limit)") }
        if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        if limit != nil, sessions != nil {
            throw ValidationError("--limit and --sessions each choose the test sessions: give one")
        }
        if let limit { return .first(limit) }
        guard let sessions else { return .all }
        do {
            return try TestSessions.parse(sessions, seed: seed)
        } catch let problem as TestSessions.Problem {
            throw ValidationError(problem.description)
        }
    }

    /// Every cell `repeats` times; the baselines, which ask no model, once.
    func replicated(_ cells: [ExperimentCell]) -> [ExperimentCell] {
        cells.flatMap { $0.method.isBaseline ? [$0] : $0.replicated(repeats) }
    }
}
