/// The preprocessing of the DICL/AICL papers (docs/paper-notes.md §2.2): keep sessions with at
/// least one bundle; within a session keep one copy of exact duplicate bundles and drop every
/// bundle that strictly contains another; assign a split when the data brings none.
public enum Preprocessing {
    public static func prepare(_ dataset: Dataset, seed: UInt64 = SeededSplit.defaultSeed) throws -> Dataset {
        var prepared = dataset
        prepared.sessions = dataset.sessions
            .filter { !$0.bundles.isEmpty }
            .map { session in
                var session = session
                session.bundles = deduplicate(session.bundles)
                return session
            }
        guard !prepared.sessions.isEmpty else {
            throw DataError(file: dataset.domain, "empty dataset: no session has a ground-truth bundle")
        }
        if prepared.split.isEmpty {
            prepared.split = SeededSplit.assign(prepared.sessions.map(\.id), seed: seed)
            prepared.splitSource = .seeded(seed: seed)
        } else if prepared.sessions.count < dataset.sessions.count {
            let kept = Set(prepared.sessions.map(\.id))
            prepared.split = prepared.split.filter { kept.contains($0.key) }
        }
        return prepared
    }

    /// Keeps the first of exact duplicates, then drops bundles that are strict supersets of another.
    public static func deduplicate(_ bundles: [GroundTruthBundle]) -> [GroundTruthBundle] {
        guard bundles.count > 1 else { return bundles }  // most sessions: nothing to compare
        var seen: Set<Set<String>> = []
        let unique = bundles.filter { seen.insert($0.itemSet).inserted }
        let sets = unique.map(\.itemSet)
        return unique.enumerated().filter { index, bundle in
            !sets.enumerated().contains { other, set in
                other != index && set.count < sets[index].count && set.isSubset(of: sets[index])
            }
        }.map(\.element)
    }
}
