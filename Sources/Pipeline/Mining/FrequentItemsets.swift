/// Frequent itemsets in flat storage: itemset `k` is `items[offsets[k]..<offsets[k + 1]]`
/// (dense ids, ascending), seen in `supports[k]` transactions out of `transactionCount`.
public struct FrequentItemsets: Sendable, Equatable {
    public internal(set) var items: [Int32] = []
    public internal(set) var offsets: [Int] = [0]
    public internal(set) var supports: [Int32] = []
    public let transactionCount: Int
    public let labels: [String]

    public init(transactionCount: Int, labels: [String]) {
        self.transactionCount = transactionCount
        self.labels = labels
    }

    public var count: Int { supports.count }

    public func itemset(_ index: Int) -> ArraySlice<Int32> { items[offsets[index]..<offsets[index + 1]] }

    public func size(_ index: Int) -> Int { offsets[index + 1] - offsets[index] }

    public func relativeSupport(_ index: Int) -> Double {
        transactionCount == 0 ? 0 : Double(supports[index]) / Double(transactionCount)
    }

    /// How many itemsets there are of each size: `[size: count]`.
    public func countsBySize() -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for index in 0..<count { counts[size(index), default: 0] += 1 }
        return counts
    }

    mutating func append<S: Sequence>(_ itemset: S, support: Int32) where S.Element == Int32 {
        let start = items.count
        items.append(contentsOf: itemset)
        items[start...].sort()
        offsets.append(items.count)
        supports.append(support)
    }

    /// Itemsets as label arrays with their supports, for tests and small outputs.
    public func labelled() -> [(items: [String], support: Int)] {
        (0..<count).map { index in (itemset(index).map { labels[Int($0)] }, Int(supports[index])) }
    }

    /// Support of an itemset given as sorted dense ids, by a hash lookup built on demand.
    public func supportIndex() -> [[Int32]: Int32] {
        var index: [[Int32]: Int32] = [:]
        index.reserveCapacity(count)
        for k in 0..<count { index[Array(itemset(k))] = supports[k] }
        return index
    }
}
