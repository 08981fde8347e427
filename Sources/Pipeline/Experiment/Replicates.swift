/// The rounds of one cell (see `ExperimentCell.round`) and how far they spread: the A/A figure
/// that says how large a difference between two single runs means nothing.
public struct Replicates: Sendable {
    /// The cell's rounds, round 0 first.
    public let runIDs: [Int64]
    public let precisions: [Double]
    /// Mean over round pairs (0, k) of the share of sessions whose parsed answer differs.
    public let changedShare: Double?

    public var mean: Double { precisions.reduce(0, +) / Double(max(precisions.count, 1)) }
    /// Largest minus smallest precision over the rounds.
    public var range: Double { (precisions.max() ?? 0) - (precisions.min() ?? 0) }
    /// Sample standard deviation over the rounds (0 for one round).
    public var sd: Double {
        guard precisions.count > 1 else { return 0 }
        let m = mean
        return (precisions.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(precisions.count - 1)).squareRoot()
    }

    /// `answers` are each round's answers by session id (nil: did not parse), in round order.
    public init(runIDs: [Int64], precisions: [Double], answers: [[String: [ParsedBundle]?]]) {
        self.runIDs = runIDs
        self.precisions = precisions
        guard let first = answers.first, answers.count > 1 else {
            changedShare = nil
            return
        }
        func normalised(_ bundles: [ParsedBundle]??) -> [[Int]]? {
            bundles.flatMap { $0 }.map {
                $0.map { Array(Set($0.items)).sorted() }.sorted { $0.lexicographicallyPrecedes($1) }
            }
        }
        let shares = answers.dropFirst().map { other -> Double in
            let ids = Set(first.keys).intersection(other.keys)
            guard !ids.isEmpty else { return 0 }
            return Double(ids.filter { normalised(first[$0]) != normalised(other[$0]) }.count) / Double(ids.count)
        }
        changedShare = shares.reduce(0, +) / Double(shares.count)
    }
}
