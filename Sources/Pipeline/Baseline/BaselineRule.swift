/// The no-model answers every result is read against (see docs/results.md): what chance, a
/// fixed position and one line about categories score on the same sessions. Each answers one
/// bundle of two products (1-based positions), so its precision per session is 0 or 1.
public enum BaselineRule: String, CaseIterable, Codable, Hashable, Sendable {
    /// A seeded uniformly random pair of the session's products (the same pair for a session in
    /// every subset: the generator is seeded by the cell's seed and the session id).
    case random
    /// Always products 1 and 2: what a student copying the prompt's example answers.
    case firstPair = "first-pair"
    /// The first pair of products sharing a leaf category, else 1 and 2.
    case sameCategory = "same-category"
    /// The session's pair best supported by the cell's sample (see `CategoryPairSupport`):
    /// same-leaf pairs first, then pairs of categories the sample's shoppers bundled, else 1 and 2.
    case minedPairs = "mined-pairs"

    /// Only mined-pairs reads the cell's sample; the others are one cell per test set.
    public var usesSample: Bool { self == .minedPairs }

    static let fallback = [1, 2]

    /// The answer for `session`; `support` is the sample's (mined-pairs only), `seed` the cell's.
    public func answer(
        _ session: Session, in dataset: Dataset, seed: UInt64, support: CategoryPairSupport? = nil
    ) -> [Int] {
        let n = session.itemIDs.count
        guard n >= 2 else { return Array(1...max(n, 1)) }
        switch self {
        case .firstPair: return Self.fallback
        case .random:
            var generator = SplitMix64(seed: seed ^ Self.stableHash(session.id))
            let first = Int.random(in: 1...n, using: &generator)
            var second = Int.random(in: 1...(n - 1), using: &generator)
            if second >= first { second += 1 }
            return [min(first, second), max(first, second)]
        case .sameCategory:
            let leaves = session.itemIDs.map { dataset.item($0).leafCategory }
            return Self.pairs(n).first { i, j in leaves[i - 1] != nil && leaves[i - 1] == leaves[j - 1] }
                .map { [$0.0, $0.1] } ?? Self.fallback
        case .minedPairs:
            let leaves = session.itemIDs.map { dataset.item($0).leafCategory }
            var best: (rank: (Int, Int), pair: [Int])?
            for (i, j) in Self.pairs(n) {
                guard let a = leaves[i - 1], let b = leaves[j - 1] else { continue }
                let count = support?.support(a, b) ?? 0
                // A same-leaf pair outranks any pair of two categories, supported or not.
                let rank = (a == b ? 1 : 0, count)
                guard a == b || count > 0 else { continue }
                if best == nil || rank > best!.rank { best = (rank, [i, j]) }
            }
            return best?.pair ?? Self.fallback
        }
    }

    /// Every pair (i, j), i < j, of positions 1...n in reading order.
    static func pairs(_ n: Int) -> [(Int, Int)] {
        (1..<max(n, 1)).flatMap { i in ((i + 1)...n).map { (i, $0) } }
    }

    /// FNV-1a of the id's UTF-8 bytes: the same on every platform and run, unlike `hashValue`.
    static func stableHash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    /// The exact expected paper-mode precision of a uniformly random pair on `session`: the share
    /// of its pairs that lie inside some ground-truth bundle.
    public static func expectedRandomPairPrecision(_ session: Session) -> Double {
        let truth = SessionText.positions(session)
        let all = pairs(session.itemIDs.count)
        guard !all.isEmpty else { return 0 }
        let inside = all.filter { i, j in truth.contains { $0.contains(i) && $0.contains(j) } }.count
        return Double(inside) / Double(all.count)
    }
}
