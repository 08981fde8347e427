/// How predictions are scored. `paper` reproduces the authors' scorer (AICL/KD `compute` after
/// their post-processing); `strict` closes its loopholes.
public enum ScoringMode: String, Sendable, Codable, CaseIterable {
    /// A predicted bundle is a hit if it is a subset of some ground-truth bundle (several may hit
    /// the same one, so recall can exceed 1); single-item bundles are removed first; sessions
    /// that fail to parse or predict only single items are excluded.
    case paper
    /// Each ground-truth bundle can be hit once, recall is capped at 1, single-item bundles are
    /// misses, and parse failures count as zero.
    case strict
}

/// Why a session is not in the averages (paper mode only).
public enum Exclusion: String, Sendable, Codable {
    case parseFailure = "parse failure"
    case allSingleItem = "all single-item"
}

/// One session's prediction: parsed bundles (1-based positions), or nil when the answer did not parse.
public struct SessionPrediction: Sendable, Equatable {
    public let session: Session
    public let bundles: [ParsedBundle]?

    public init(session: Session, bundles: [ParsedBundle]?) {
        self.session = session
        self.bundles = bundles
    }
}

/// Everything about one scored session.
public struct SessionScore: Sendable, Equatable {
    public let sessionID: String
    public var excluded: Exclusion?
    public var predicted = 0
    public var hits = 0
    public var groundTruth = 0
    public var precision = 0.0
    public var recall = 0.0
    /// Σ over hits of |p ∩ g| / |g|, for the micro-averaged coverage.
    public var coverageSum = 0.0
    /// This session's own coverage: the mean share of a hit ground-truth bundle covered (0 without hits).
    public var coverage: Double { Self.coverage(sum: coverageSum, hits: hits) }

    /// Coverage is summed over hits and divided by their number, per session and per run alike.
    static func coverage(sum: Double, hits: Int) -> Double { hits == 0 ? 0 : sum / Double(hits) }
    /// Per predicted bundle: its error category and whether it counted as a hit.
    public var categories: [BundleErrorCategory] = []
    public var hitFlags: [Bool] = []
    /// ROUGE-L F1 of each hit bundle's intent against its ground-truth intent.
    public var intentScores: [Double] = []
}

/// A run's metrics in one mode, with the per-session detail they came from.
public struct RunMetrics: Sendable, Equatable {
    public let mode: ScoringMode
    public let sessions: [SessionScore]

    public var evaluated: [SessionScore] { sessions.filter { $0.excluded == nil } }
    public var excludedForParse: Int { sessions.filter { $0.excluded == .parseFailure }.count }
    public var excludedAllSingle: Int { sessions.filter { $0.excluded == .allSingleItem }.count }
    public var precision: Double { Self.mean(evaluated.map(\.precision)) }
    public var recall: Double { Self.mean(evaluated.map(\.recall)) }
    public var coverage: Double {
        SessionScore.coverage(
            sum: evaluated.reduce(0) { $0 + $1.coverageSum }, hits: evaluated.reduce(0) { $0 + $1.hits })
    }
    public var intentRougeL: Double? {
        let scores = evaluated.flatMap(\.intentScores)
        return scores.isEmpty ? nil : Self.mean(scores)
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
}

public enum Scorer {
    public static func score(_ predictions: [SessionPrediction], mode: ScoringMode) -> RunMetrics {
        RunMetrics(mode: mode, sessions: predictions.map { score($0, mode: mode) })
    }

    static func score(_ prediction: SessionPrediction, mode: ScoringMode) -> SessionScore {
        let session = prediction.session
        var score = SessionScore(sessionID: session.id)
        let truth = SessionText.positions(session)
        score.groundTruth = truth.count
        guard let parsed = prediction.bundles else {
            if mode == .paper { score.excluded = .parseFailure }
            return score
        }
        var bundles = parsed.map { ParsedBundle(items: Array(Set($0.items)).sorted(), intent: $0.intent) }
        if mode == .paper {
            let multi = bundles.filter { $0.items.count > 1 }
            if multi.isEmpty && !bundles.isEmpty { score.excluded = .allSingleItem; return score }
            bundles = multi
        }
        score.predicted = bundles.count
        var used = Set<Int>()
        for bundle in bundles {
            let items = Set(bundle.items)
            score.categories.append(
                BundleErrors.categorize(bundle.items, sessionLength: session.itemIDs.count, groundTruth: truth).category
            )
            let candidates = truth.indices.filter {
                items.isSubset(of: truth[$0]) && (mode == .paper || !used.contains($0))
            }
            guard let match = candidates.first, mode == .paper || items.count > 1 else {
                score.hitFlags.append(false)
                continue
            }
            used.insert(match)
            score.hits += 1
            score.hitFlags.append(true)
            score.coverageSum += Double(items.count) / Double(truth[match].count)
            if let intent = bundle.intent, !intent.isEmpty {
                score.intentScores.append(RougeL.f1(intent, session.bundles[match].intent))
            }
        }
        score.precision = bundles.isEmpty ? 0 : Double(score.hits) / Double(bundles.count)
        score.recall = truth.isEmpty ? 0 : Double(score.hits) / Double(truth.count)
        return score
    }
}

/// ROUGE-L F1 over lower-cased word tokens (longest common subsequence, β = 1).
public enum RougeL {
    public static func f1(_ candidate: String, _ reference: String) -> Double {
        let a = tokens(candidate), b = tokens(reference)
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        for x in a {
            var current = [Int](repeating: 0, count: b.count + 1)
            for (j, y) in b.enumerated() {
                current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j])
            }
            previous = current
        }
        let lcs = Double(previous[b.count])
        guard lcs > 0 else { return 0 }
        let p = lcs / Double(a.count), r = lcs / Double(b.count)
        return 2 * p * r / (p + r)
    }

    static func tokens(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }
}
