import Foundation

/// FP-growth timed alone, after a warm-up run, as scripts/pyfim_reference.py times pyfim.
public struct FPGrowthTiming: Sendable {
    public let itemsets: Int
    public let minimumSeconds: Double
    public let medianSeconds: Double

    public static func measure(
        _ set: TransactionSet, options: PatternOptions, repetitions: Int
    ) -> FPGrowthTiming {
        let miner = FPGrowth(
            minSupport: set.absoluteSupport(options.minSupport), minSize: options.minSize, maxSize: options.maxSize)
        var times: [Double] = []
        var found = 0
        for _ in 0..<max(1, repetitions) {
            let started = DispatchTime.now().uptimeNanoseconds
            found = miner.mine(set).count
            times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        }
        times.sort()
        return FPGrowthTiming(itemsets: found, minimumSeconds: times[0], medianSeconds: times[times.count / 2])
    }

    /// The line the mining benchmark reads.
    public var line: String {
        String(format: "bundlekd.fpgrowth itemsets=%d min=%.4f median=%.4f", itemsets, minimumSeconds, medianSeconds)
    }
}
