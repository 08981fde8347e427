/// FP-growth (Han, Pei, Yin 2000) over integer-coded transactions.
///
/// Items are recoded by descending frequency; the tree and every conditional tree live in
/// contiguous arrays, one reusable tree per recursion depth; a conditional tree that is a
/// single path is enumerated directly instead of recursing.
public struct FPGrowth: Sendable {
    public var minSupport: Int
    public var minSize: Int
    public var maxSize: Int

    /// `minSupport` is absolute (a transaction count, at least 1); sizes are inclusive.
    public init(minSupport: Int, minSize: Int = 1, maxSize: Int = .max) {
        self.minSupport = max(1, minSupport)
        self.minSize = max(1, minSize)
        self.maxSize = max(self.minSize, maxSize)
    }

    public func mine(_ transactions: TransactionSet) -> FrequentItemsets {
        var result = FrequentItemsets(transactionCount: transactions.count, labels: transactions.labels)
        let counts = transactions.itemCounts()
        let frequent = (0..<transactions.universe).filter { Int(counts[$0]) >= minSupport }
            .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
        guard !frequent.isEmpty else { return result }
        var rankOf = [Int32](repeating: -1, count: transactions.universe)
        for (rank, item) in frequent.enumerated() { rankOf[item] = Int32(rank) }

        // Recode every transaction to ascending ranks, then build the tree.
        var paths: [Int32] = []
        var offsets = [0]
        paths.reserveCapacity(transactions.items.count)
        for t in 0..<transactions.count {
            let start = paths.count
            for item in transactions.transaction(t) where rankOf[Int(item)] >= 0 { paths.append(rankOf[Int(item)]) }
            paths[start...].sort()
            offsets.append(paths.count)
        }
        let order = Self.prefixOrder(paths: paths, offsets: offsets, rankCount: frequent.count)
        let run = Run(settings: self, rankToItem: frequent.map(Int32.init))
        let tree = run.tree(depth: 0)
        tree.build(paths: paths, offsets: offsets, order: order)
        run.mine(tree, depth: 0)
        result.items = run.items
        result.offsets = run.offsets
        result.supports = run.supports
        return result
    }

    /// Transactions ordered by their first ranks packed into one integer: sorting integers is
    /// far cheaper than comparing sequences, and groups almost all shared prefixes together.
    static func prefixOrder(paths: [Int32], offsets: [Int], rankCount: Int) -> [Int32] {
        let (width, depth) = rankCount < (1 << 15) - 1 ? (16, 4) : (21, 3)
        var keys = [UInt64](repeating: 0, count: offsets.count - 1)
        for t in keys.indices {
            var key: UInt64 = 0
            for d in 0..<depth {
                let index = offsets[t] + d
                let digit = index < offsets[t + 1] ? UInt64(paths[index] + 1) : 0
                key = key << UInt64(width) | digit
            }
            keys[t] = key
        }
        var order = (0..<Int32(keys.count)).filter { offsets[Int($0) + 1] > offsets[Int($0)] }
        keys.withUnsafeBufferPointer { keys in order.sort { keys[Int($0)] < keys[Int($1)] } }
        return order
    }

    /// The state of one mining run: the tree pool, the current prefix and the output.
    final class Run {
        let settings: FPGrowth
        let rankToItem: [Int32]
        let minSupport: Int32
        var pool: [FPTree] = []
        var prefix: [Int32] = []  // items (not ranks) of the current prefix
        /// Scratch support per rank while a conditional tree is built; a raw buffer because it
        /// is written once per node visit (an array would check uniqueness on every write).
        let conditionalSupport: UnsafeMutablePointer<Int32>
        var touched: [Int32] = []
        var pathBuffer: [Int32] = []  // source nodes of one path, deepest first
        var items: [Int32] = []
        var offsets: [Int] = [0]
        var supports: [Int32] = []

        init(settings: FPGrowth, rankToItem: [Int32]) {
            self.settings = settings
            self.rankToItem = rankToItem
            minSupport = Int32(settings.minSupport)
            conditionalSupport = .allocate(capacity: max(1, rankToItem.count))
            conditionalSupport.initialize(repeating: 0, count: max(1, rankToItem.count))
        }

        deinit { conditionalSupport.deallocate() }

        func tree(depth: Int) -> FPTree {
            while pool.count <= depth { pool.append(FPTree(rankCount: rankToItem.count)) }
            pool[depth].reset()
            return pool[depth]
        }

        func report(extra: Int32, support: Int32) {
            let size = prefix.count + 1
            guard size >= settings.minSize, size <= settings.maxSize else { return }
            let start = items.count
            items.append(contentsOf: prefix)
            items.append(extra)
            items[start...].sort()
            offsets.append(items.count)
            supports.append(support)
        }

        func mine(_ tree: FPTree, depth: Int) {
            if tree.isSinglePath && tree.nodeCount > 1 {
                enumerateSinglePath(tree)
                return
            }
            // Least frequent first: its conditional trees are the smallest.
            for rank in tree.present.sorted(by: >) {
                let support = tree.support[Int(rank)]
                guard support >= minSupport else { continue }
                report(extra: rankToItem[Int(rank)], support: support)
                guard prefix.count + 1 < settings.maxSize else { continue }
                let conditional = buildConditionalTree(of: rank, in: tree, depth: depth + 1)
                if conditional.nodeCount > 1 {
                    prefix.append(rankToItem[Int(rank)])
                    mine(conditional, depth: depth + 1)
                    prefix.removeLast()
                }
            }
        }

        /// The tree of the paths that lead to `rank`, weighted by the count at `rank`, with
        /// items infrequent in those paths left out. Each source node is copied at most once
        /// (remembered in `copy`), so building needs no child lookup; two copies of one item
        /// under one parent can occur and only cost compression, not correctness.
        func buildConditionalTree(of rank: Int32, in tree: FPTree, depth: Int) -> FPTree {
            let item = tree.item, parent = tree.parent, count = tree.count, nextSame = tree.nextSame
            let conditionalSupport = self.conditionalSupport
            var node = tree.head[Int(rank)]
            var longest = 0
            while node >= 0 {  // pass 1: supports within the paths
                let weight = count[Int(node)]
                var up = parent[Int(node)]
                var length = 0
                while up > 0 {
                    let r = Int(item[Int(up)])
                    if conditionalSupport[r] == 0 { touched.append(Int32(r)) }
                    conditionalSupport[r] &+= weight
                    up = parent[Int(up)]
                    length += 1
                }
                longest = max(longest, length)
                node = nextSame[Int(node)]
            }
            let conditional = self.tree(depth: depth)
            tree.generation &+= 1
            let generation = tree.generation, stamp = tree.stamp, copy = tree.copy
            if pathBuffer.count < longest { pathBuffer = Array(repeating: 0, count: longest) }
            pathBuffer.withUnsafeMutableBufferPointer { path in
                node = tree.head[Int(rank)]
                while node >= 0 {  // pass 2: copy the frequent part of each path
                    let weight = count[Int(node)]
                    var length = 0
                    var up = parent[Int(node)]
                    while up > 0 {
                        if conditionalSupport[Int(item[Int(up)])] >= minSupport { path[length] = up; length += 1 }
                        up = parent[Int(up)]
                    }
                    conditional.reserve(length)
                    let copiedCount = conditional.count
                    var copyParent: Int32 = 0
                    for k in stride(from: length - 1, through: 0, by: -1) {
                        let source = Int(path[k])
                        let target: Int32
                        if stamp[source] == generation {
                            target = copy[source]
                        } else {
                            target = conditional.addNode(rank: item[source], parent: copyParent)
                            stamp[source] = generation
                            copy[source] = target
                        }
                        copiedCount[Int(target)] &+= weight
                        conditional.support[Int(item[source])] &+= weight
                        copyParent = target
                    }
                    node = nextSame[Int(node)]
                }
            }
            for r in touched { conditionalSupport[Int(r)] = 0 }
            touched.removeAll(keepingCapacity: true)
            return conditional
        }

        /// Every non-empty subset of a single path is frequent; its support is the count of its
        /// deepest node. Subsets are built by extending shallower choices with deeper nodes.
        func enumerateSinglePath(_ tree: FPTree) {
            // On a single path ranks ascend downwards, so sorting by rank gives top-down order.
            let nodes = (1..<Int32(tree.nodeCount))
                .filter { tree.count[Int($0)] >= minSupport }
                .sorted { tree.item[Int($0)] < tree.item[Int($1)] }
            let base = prefix.count
            func extend(from start: Int) {
                for index in start..<nodes.count {
                    let n = Int(nodes[index])
                    report(extra: rankToItem[Int(tree.item[n])], support: tree.count[n])
                    if prefix.count + 1 < settings.maxSize {
                        prefix.append(rankToItem[Int(tree.item[n])])
                        extend(from: index + 1)
                        prefix.removeLast()
                    }
                }
            }
            extend(from: 0)
            precondition(prefix.count == base)
        }
    }
}
