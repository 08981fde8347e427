/// Confidence intervals and paired tests over per-session scores, seeded and reproducible.
public enum Significance {
    public struct Interval: Sendable, Equatable {
        public let low: Double
        public let high: Double
    }

    /// Percentile bootstrap (95% by default) of a ratio Σ numerator / Σ denominator over
    /// sessions resampled with replacement; a mean is the ratio with denominators 1.
    public static func bootstrap(
        numerators: [Double], denominators: [Double]? = nil, resamples: Int = 1000,
        level: Double = 0.95, seed: UInt64 = 42
    ) -> Interval {
        let n = numerators.count
        guard n > 0 else { return Interval(low: 0, high: 0) }
        let weights = denominators ?? Array(repeating: 1, count: n)
        var generator = SplitMix64(seed: seed)
        var estimates: [Double] = []
        estimates.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var top = 0.0, bottom = 0.0
            for _ in 0..<n {
                let k = Int.random(in: 0..<n, using: &generator)
                top += numerators[k]
                bottom += weights[k]
            }
            estimates.append(bottom == 0 ? 0 : top / bottom)
        }
        estimates.sort()
        let tail = (1 - level) / 2
        let lowIndex = Int((tail * Double(resamples)).rounded(.down))
        let highIndex = min(resamples - 1, Int(((1 - tail) * Double(resamples)).rounded(.up)) - 1)
        return Interval(low: estimates[lowIndex], high: estimates[highIndex])
    }

    /// Two-sided paired randomisation (sign-flip) test of the mean difference between two runs
    /// over the same sessions: p = (1 + #{|mean of flipped differences| ≥ |observed|}) / (1 + R).
    public static func pairedRandomization(
        _ a: [Double], _ b: [Double], permutations: Int = 10_000, seed: UInt64 = 42
    ) -> Double {
        precondition(a.count == b.count, "paired samples must cover the same sessions")
        let differences = zip(a, b).map { $0 - $1 }
        guard !differences.isEmpty else { return 1 }
        let observed = abs(differences.reduce(0, +))
        var generator = SplitMix64(seed: seed)
        var extreme = 0
        for _ in 0..<permutations {
            var total = 0.0
            for d in differences { total += Bool.random(using: &generator) ? d : -d }
            if abs(total) >= observed - 1e-12 { extreme += 1 }
        }
        return Double(extreme + 1) / Double(permutations + 1)
    }
}
