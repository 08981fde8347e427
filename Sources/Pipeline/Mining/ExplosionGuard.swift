/// Estimates, before mining, how many itemsets a threshold can produce, so a run that would
/// exhaust memory is refused with a clear message instead (mlxtend's users meet this as
/// "Unable to allocate 899 GiB").
public struct ExplosionEstimate: Sendable, Equatable {
    public let frequentItems: Int
    /// Pairs of frequent items that are themselves frequent; `nil` when too many items to count.
    public let frequentPairs: Int?
    /// A proven upper bound on the number of frequent itemsets: each one of support ≥ s is a
    /// subset of ≥ s transactions, so their count is at most Σₜ (subsets of t's frequent items
    /// within the size limit) / s.
    public let upperBound: Double

    /// Counting frequent pairs costs a pass over all pairs in every transaction, so it is done
    /// only when asked (for the message that refuses a run).
    public init(_ transactions: TransactionSet, minSupport: Int, maxSize: Int = .max, countPairs: Bool = false) {
        let counts = transactions.itemCounts()
        var frequentIndex = [Int32](repeating: -1, count: transactions.universe)
        var frequentCount = 0
        for id in 0..<transactions.universe where Int(counts[id]) >= minSupport {
            frequentIndex[id] = Int32(frequentCount)
            frequentCount += 1
        }
        frequentItems = frequentCount
        var total = 0.0
        var pairs: [Int32]? =
            countPairs && frequentCount <= 4096 ? [Int32](repeating: 0, count: frequentCount * frequentCount) : nil
        var members: [Int] = []
        for t in 0..<transactions.count {
            members.removeAll(keepingCapacity: true)
            for item in transactions.transaction(t) where frequentIndex[Int(item)] >= 0 {
                members.append(Int(frequentIndex[Int(item)]))
            }
            total += Self.subsetCount(members.count, maxSize: maxSize)
            if pairs != nil {
                for i in members.indices {
                    for j in members.indices where members[j] > members[i] {
                        pairs![members[i] * frequentCount + members[j]] += 1
                    }
                }
            }
        }
        frequentPairs = pairs.map { $0.reduce(0) { $0 + (Int($1) >= minSupport ? 1 : 0) } }
        upperBound = total / Double(max(1, minSupport))
    }

    /// Σ_{k=1}^{min(n, maxSize)} C(n, k), as a Double so 2^60 does not overflow.
    static func subsetCount(_ n: Int, maxSize: Int) -> Double {
        var total = 0.0, binomial = 1.0
        for k in 1...max(1, min(n, maxSize)) where n > 0 {
            binomial = binomial * Double(n - k + 1) / Double(k)
            total += binomial
        }
        return total
    }
}

public struct PatternExplosion: Error, CustomStringConvertible, Sendable {
    public let estimate: ExplosionEstimate
    public let cap: Int

    public var description: String {
        "refusing to mine: up to \(Int(estimate.upperBound.rounded())) itemsets are possible at this support "
            + "(\(estimate.frequentItems) frequent items, \(estimate.frequentPairs.map(String.init) ?? "many") frequent pairs; cap \(cap)); "
            + "raise --min-support, lower the maximum size, or raise --max-itemsets"
    }
}
