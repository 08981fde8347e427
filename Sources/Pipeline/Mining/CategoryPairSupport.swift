/// How often the ground-truth bundles of a sample bundle two leaf categories together: the pair
/// (a, b) counts a bundle holding an item of each, and (a, a) a bundle holding two items of `a`
/// (alternatives, which a category *set* cannot express). Each bundle counts a pair once.
public struct CategoryPairSupport: Sendable, Equatable {
    /// Unordered pair of leaf categories, the smaller name first.
    public struct Pair: Hashable, Sendable {
        public let first: String
        public let second: String
        public init(_ a: String, _ b: String) { (first, second) = a <= b ? (a, b) : (b, a) }
        public var isSameCategory: Bool { first == second }
    }

    public private(set) var counts: [Pair: Int] = [:]

    public init(sessions: [Session], in dataset: Dataset) {
        for session in sessions {
            for bundle in session.bundles {
                let leaves = bundle.itemIDs.compactMap { dataset.item($0).leafCategory }
                var seen = Set<Pair>()
                for i in leaves.indices {
                    for j in leaves.indices where j > i { seen.insert(Pair(leaves[i], leaves[j])) }
                }
                for pair in seen { counts[pair, default: 0] += 1 }
            }
        }
    }

    public func support(_ a: String, _ b: String) -> Int { counts[Pair(a, b)] ?? 0 }
}
