/// Closed and maximal itemsets, filtered from all frequent itemsets.
///
/// An itemset is closed when no one-item-larger superset has the same support and maximal when
/// none is frequent at all; because frequent itemsets are downward closed, checking the
/// immediate supersets is enough. With a size cap the answer is relative to the sizes mined.
public enum ItemsetKind: String, Sendable, CaseIterable {
    case all, closed, maximal
}

extension FrequentItemsets {
    public func filtered(_ kind: ItemsetKind) -> FrequentItemsets {
        guard kind != .all else { return self }
        var index: [[Int32]: Int] = [:]
        index.reserveCapacity(count)
        for k in 0..<count { index[Array(itemset(k))] = k }
        var hasSuperset = [Bool](repeating: false, count: count)
        var hasEqualSuperset = [Bool](repeating: false, count: count)
        var subset: [Int32] = []
        for k in 0..<count where size(k) > 1 {
            let members = Array(itemset(k))
            for skip in members.indices {
                subset.removeAll(keepingCapacity: true)
                for (position, item) in members.enumerated() where position != skip { subset.append(item) }
                guard let sub = index[subset] else { continue }
                hasSuperset[sub] = true
                if supports[sub] == supports[k] { hasEqualSuperset[sub] = true }
            }
        }
        var result = FrequentItemsets(transactionCount: transactionCount, labels: labels)
        for k in 0..<count where !(kind == .closed ? hasEqualSuperset[k] : hasSuperset[k]) {
            result.append(itemset(k), support: supports[k])
        }
        return result
    }
}
