/// An FP-tree in contiguous, manually grown buffers (no node objects, no per-node allocation).
/// Items are frequency ranks (0 = most frequent), so every root path has ascending ranks.
/// Node 0 is the root. Trees are pooled per recursion depth and `reset` keeps the memory.
///
/// Raw buffers rather than Swift arrays because the miner's inner loops read them millions of
/// times; hot loops copy the pointers into locals once, so no per-element checks remain.
final class FPTree {
    private(set) var capacity = 0
    private(set) var nodeCount = 0
    private(set) var item = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private(set) var count = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private(set) var parent = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    /// Next node with the same item, in creation order.
    private(set) var nextSame = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private(set) var hasChild = UnsafeMutablePointer<Bool>.allocate(capacity: 1)
    /// While a conditional tree is built from this one: the copy of each node there, valid
    /// where `stamp` equals the current `generation` (so nothing needs clearing between builds).
    private(set) var copy = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private(set) var stamp = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    var generation: UInt32 = 0
    /// Per rank: first and last node of the item, and its total count in this tree.
    let head: UnsafeMutablePointer<Int32>
    let tail: UnsafeMutablePointer<Int32>
    let support: UnsafeMutablePointer<Int32>
    /// Ranks present, so a reset touches only them.
    private(set) var present: [Int32] = []
    private(set) var isSinglePath = true
    private let rankCount: Int

    init(rankCount: Int) {
        self.rankCount = rankCount
        head = .allocate(capacity: max(1, rankCount))
        tail = .allocate(capacity: max(1, rankCount))
        support = .allocate(capacity: max(1, rankCount))
        head.initialize(repeating: -1, count: max(1, rankCount))
        tail.initialize(repeating: -1, count: max(1, rankCount))
        support.initialize(repeating: 0, count: max(1, rankCount))
        reserve(1024)
        reset()
    }

    deinit {
        for buffer in [item, count, parent, nextSame, copy] { buffer.deallocate() }
        hasChild.deallocate(); stamp.deallocate()
        head.deallocate(); tail.deallocate(); support.deallocate()
    }

    func reset() {
        for rank in present {
            head[Int(rank)] = -1
            tail[Int(rank)] = -1
            support[Int(rank)] = 0
        }
        present.removeAll(keepingCapacity: true)
        nodeCount = 0
        isSinglePath = true
        _ = addNode(rank: -1, parent: -1)
    }

    /// Makes room for `extra` more nodes, so pointers taken after this stay valid that long.
    func reserve(_ extra: Int) {
        let needed = nodeCount + extra
        guard needed > capacity else { return }
        let newCapacity = max(needed, capacity * 2)
        func grow<T>(_ old: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let new = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
            new.moveInitialize(from: old, count: nodeCount)
            old.deallocate()
            return new
        }
        item = grow(item); count = grow(count); parent = grow(parent); nextSame = grow(nextSame)
        hasChild = grow(hasChild); copy = grow(copy); stamp = grow(stamp)
        capacity = newCapacity
    }

    /// Appends a node (capacity must have been reserved) and links it into its item's list.
    @inline(__always)
    func addNode(rank: Int32, parent node: Int32) -> Int32 {
        let id = Int32(nodeCount)
        nodeCount += 1
        item[Int(id)] = rank
        count[Int(id)] = 0
        parent[Int(id)] = node
        nextSame[Int(id)] = -1
        hasChild[Int(id)] = false
        stamp[Int(id)] = 0
        guard rank >= 0 else { return id }
        if hasChild[Int(node)] { isSinglePath = false }
        hasChild[Int(node)] = true
        let r = Int(rank)
        if head[r] < 0 {
            head[r] = id
            present.append(rank)
        } else {
            nextSame[Int(tail[r])] = id
        }
        tail[r] = id
        return id
    }

    /// Builds the first tree from paths in `order`. Each path shares what it can of its prefix
    /// with the path before, so no child lookup is needed; the closer `order` is to
    /// lexicographic, the more the tree is compressed (any order gives a correct tree).
    func build(paths: [Int32], offsets: [Int], order: [Int32]) {
        var stack: [Int32] = []
        var previous = 0..<0
        reserve(paths.count)  // at most one node per path element
        paths.withUnsafeBufferPointer { paths in
            for index in order {
                let range = offsets[Int(index)]..<offsets[Int(index) + 1]
                var shared = 0
                let limit = min(range.count, previous.count, stack.count)
                while shared < limit, paths[range.lowerBound + shared] == paths[previous.lowerBound + shared] {
                    shared += 1
                }
                stack.removeSubrange(shared...)
                for depth in 0..<range.count {
                    let rank = paths[range.lowerBound + depth]
                    let node: Int32
                    if depth < shared {
                        node = stack[depth]
                    } else {
                        node = addNode(rank: rank, parent: depth == 0 ? 0 : stack[depth - 1])
                        stack.append(node)
                    }
                    count[Int(node)] &+= 1
                    support[Int(rank)] &+= 1
                }
                previous = range
            }
        }
    }
}
