import Foundation

/// The paper's four ways to choose which training sessions knowledge is distilled from.
public enum SamplingStrategy: String, Sendable, CaseIterable, Codable {
    /// A seeded uniform sample.
    case random
    /// Longest sessions first (more items, more to learn from); ties in seeded order.
    case length
    /// Farthest-point (k-center) selection over TF-IDF vectors of the session titles, so the
    /// sample spreads across kinds of sessions.
    case diversity
    /// Hardest first: by the teacher's stage-2 error rate where it is known (those sessions
    /// first), else by the number of ground-truth bundles; ties in seeded order.
    case difficulty
}

/// A training session from one of possibly several pooled domains.
public struct SessionReference: Hashable, Sendable, Comparable {
    public let domain: String
    public let session: Session

    public init(domain: String, session: Session) {
        self.domain = domain
        self.session = session
    }

    /// "domain/session", the form stored in samples and provenance.
    public var key: String { Self.key(domain: domain, session: session.id) }

    /// The same for a session known only by its id.
    public static func key(domain: String, session: String) -> String { "\(domain)/\(session)" }

    public static func < (a: SessionReference, b: SessionReference) -> Bool { a.key < b.key }
}

public enum SessionSampler {
    /// How many sessions a ratio selects: round(ratio × n), at least 1 when there are any.
    public static func count(ratio: Double, of total: Int) -> Int {
        guard total > 0 else { return 0 }
        return min(total, max(1, Int((ratio * Double(total)).rounded())))
    }

    /// Selects `count(ratio:of:)` sessions with `strategy`; reproducible for a given seed.
    /// `titles` gives each session's text for diversity; `difficulty` optional error rates by key.
    public static func select(
        _ sessions: [SessionReference], strategy: SamplingStrategy, ratio: Double, seed: UInt64,
        titles: (SessionReference) -> String = { _ in "" },
        difficulty: [String: Double] = [:]
    ) -> [SessionReference] {
        let k = count(ratio: ratio, of: sessions.count)
        var generator = SplitMix64(seed: seed)
        let shuffled = sessions.sorted().shuffled(using: &generator)  // the seeded tie order
        let rank = Dictionary(uniqueKeysWithValues: shuffled.enumerated().map { ($1.key, $0) })
        switch strategy {
        case .random:
            return Array(shuffled.prefix(k))
        case .length:
            return Array(
                shuffled.sorted { a, b in
                    a.session.itemIDs.count != b.session.itemIDs.count
                        ? a.session.itemIDs.count > b.session.itemIDs.count : rank[a.key]! < rank[b.key]!
                }.prefix(k))
        case .difficulty:
            // Sessions the teacher has attempted rank by its error rate, ahead of the rest, which
            // rank by their number of ground-truth bundles: the two scales are never mixed.
            func score(_ s: SessionReference) -> (measured: Int, value: Double) {
                difficulty[s.key].map { (1, $0) } ?? (0, Double(s.session.bundles.count))
            }
            return Array(
                shuffled.sorted { a, b in
                    let (x, y) = (score(a), score(b))
                    return x != y ? (x.measured, x.value) > (y.measured, y.value) : rank[a.key]! < rank[b.key]!
                }.prefix(k))
        case .diversity:
            let vectors = TFIDF.vectors(shuffled.map(titles))
            return FarthestPoint.select(k, from: vectors).map { shuffled[$0] }
        }
    }
}

/// TF-IDF vectors (sparse, L2-normalised) over lower-cased alphanumeric tokens.
public enum TFIDF {
    public static func vectors(_ documents: [String]) -> [[String: Double]] {
        let tokenised = documents.map { text in
            text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).filter { $0.count > 1 }
        }
        var documentFrequency: [String: Int] = [:]
        for tokens in tokenised { for token in Set(tokens) { documentFrequency[token, default: 0] += 1 } }
        let n = Double(documents.count)
        return tokenised.map { tokens in
            var counts: [String: Double] = [:]
            for token in tokens { counts[token, default: 0] += 1 }
            var vector = counts.mapValues { $0 }
            for (token, tf) in counts {
                vector[token] = tf * (log((1 + n) / (1 + Double(documentFrequency[token]!))) + 1)
            }
            let norm = sqrt(vector.values.reduce(0) { $0 + $1 * $1 })
            return norm > 0 ? vector.mapValues { $0 / norm } : vector
        }
    }

    public static func cosine(_ a: [String: Double], _ b: [String: Double]) -> Double {
        let (small, large) = a.count < b.count ? (a, b) : (b, a)
        return small.reduce(0) { $0 + $1.value * (large[$1.key] ?? 0) }
    }
}

/// Greedy k-center: start from the first point, then repeatedly take the point farthest (in
/// cosine distance) from everything chosen so far — a 2-approximation of the best spread.
public enum FarthestPoint {
    public static func select(_ k: Int, from vectors: [[String: Double]]) -> [Int] {
        guard k > 0, !vectors.isEmpty else { return [] }
        var chosen = [0]
        var distance = vectors.map { 1 - TFIDF.cosine($0, vectors[0]) }
        while chosen.count < min(k, vectors.count) {
            var best = -1
            for index in vectors.indices where !chosen.contains(index) && (best < 0 || distance[index] > distance[best])
            { best = index }
            chosen.append(best)
            for index in vectors.indices {
                distance[index] = min(distance[index], 1 - TFIDF.cosine(vectors[index], vectors[best]))
            }
        }
        return chosen
    }
}
