/// Integer-coded transactions in one flat array: transaction `t` is
/// `items[offsets[t]..<offsets[t + 1]]`, ids dense in `0..<universe`, no duplicates inside one.
public struct TransactionSet: Sendable, Equatable {
    public private(set) var items: [Int32]
    public private(set) var offsets: [Int]
    /// The caller's label for each dense id (an item or category name, or the id read from a file).
    public private(set) var labels: [String]

    public var count: Int { offsets.count - 1 }
    public var universe: Int { labels.count }

    public init() {
        items = []
        offsets = [0]
        labels = []
    }

    /// Builds from transactions of arbitrary hashable labels; duplicates within one are dropped.
    public init<Label: Hashable & CustomStringConvertible>(_ transactions: [[Label]]) {
        self.init()
        var ids: [Label: Int32] = [:]
        var seen: [Int32] = []
        for transaction in transactions {
            for label in transaction {
                let id: Int32
                if let known = ids[label] {
                    id = known
                } else {
                    id = Int32(labels.count)
                    ids[label] = id
                    labels.append(label.description)
                    seen.append(-1)
                }
                if seen[Int(id)] != Int32(count) {  // first time in this transaction
                    seen[Int(id)] = Int32(count)
                    items.append(id)
                }
            }
            offsets.append(items.count)
        }
    }

    public func transaction(_ index: Int) -> ArraySlice<Int32> {
        items[offsets[index]..<offsets[index + 1]]
    }

    /// How many transactions contain each id.
    public func itemCounts() -> [Int32] {
        var counts = [Int32](repeating: 0, count: universe)
        for id in items { counts[Int(id)] += 1 }
        return counts
    }

    /// The absolute support for a relative one: the smallest count that is at least
    /// `fraction` of the transactions, never below 1. The epsilon keeps 0.001 × 50,000 at 50
    /// although the floating-point product is 50.000000000000004.
    public func absoluteSupport(_ fraction: Double) -> Int {
        max(1, Int((fraction * Double(count) - 1e-9).rounded(.up)))
    }

    /// Builds directly from dense ids (used by the file reader, which has already deduplicated).
    init(items: [Int32], offsets: [Int], labels: [String]) {
        self.items = items
        self.offsets = offsets
        self.labels = labels
    }
}
