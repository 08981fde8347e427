import Foundation

/// A named choice of training sessions for the teacher: strategy, ratio and seed applied per
/// domain, optionally capped. Stored in the workspace under its name, so a resumed or repeated
/// extraction uses exactly the same sessions.
public struct SamplePlan: Sendable, Equatable {
    public var strategy: SamplingStrategy
    public var ratio: Double
    public var seed: UInt64
    public var limit: Int?
    public var name: String?

    public init(
        strategy: SamplingStrategy = .random, ratio: Double = 0.1, seed: UInt64 = 42, limit: Int? = nil,
        name: String? = nil
    ) {
        self.strategy = strategy
        self.ratio = ratio
        self.seed = seed
        self.limit = limit
        self.name = name
    }

    /// The stored name: given, or derived from the choices and domains.
    public func storedName(domains: [String]) -> String {
        name ?? "\(strategy.rawValue)-\(ratio)-\(seed)-\(domains.joined(separator: "+"))"
            + (limit.map { "-limit\($0)" } ?? "")
    }

    /// The stored sample of this name if there is one, else a new one drawn from each domain's
    /// training split (the ratio applies per domain, so pooled domains stay balanced) and saved.
    public func resolve(_ datasets: [Dataset], workspace: Workspace) throws -> [SessionReference] {
        let name = storedName(domains: datasets.map(\.domain))
        let training = datasets.flatMap { dataset in
            dataset.sessions(in: .train).map { SessionReference(domain: dataset.domain, session: $0) }
        }
        let byKey = Dictionary(uniqueKeysWithValues: training.map { ($0.key, $0) })
        if let stored = try workspace.sample(named: name) {
            return stored.sessionList.compactMap { byKey[$0] }
        }
        var chosen: [SessionReference] = []
        for dataset in datasets {
            chosen += KnowledgeSelection.sample(
                dataset, strategy: strategy, ratio: ratio, seed: seed,
                difficulty: try workspace.teacherErrorRates(domain: dataset.domain))
        }
        if let limit { chosen = Array(chosen.prefix(limit)) }
        try workspace.save(
            SampleRecord(
                name: name, strategy: strategy, ratio: ratio, seed: seed,
                domains: datasets.map(\.domain), sessions: chosen))
        return chosen
    }
}
