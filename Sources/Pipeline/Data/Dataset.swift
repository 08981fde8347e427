/// Which part of the experiment a session belongs to.
public enum SplitRole: String, Sendable, Codable, CaseIterable {
    case train, validation, test
}

/// Where a dataset's split came from, so reports can say whether it is the published one.
public enum SplitSource: Hashable, Sendable {
    case none
    case seeded(seed: UInt64)
    case dicl
    case file
}

/// All sessions of one domain with the items they mention and, once assigned, a split.
public struct Dataset: Sendable {
    public let domain: String
    public var sessions: [Session]
    public var items: [String: Item]
    public var split: [String: SplitRole]
    public var splitSource: SplitSource
    /// Retrieved training neighbours per test session, when the data ships them (DICL top-10).
    public var neighbours: [String: [String]]

    public init(
        domain: String, sessions: [Session], items: [String: Item],
        split: [String: SplitRole] = [:], splitSource: SplitSource = .none,
        neighbours: [String: [String]] = [:]
    ) {
        self.neighbours = neighbours
        self.domain = domain
        self.sessions = sessions
        self.items = items
        self.split = split
        self.splitSource = splitSource
    }

    /// The item for an id; an id the catalogue lacks becomes an untitled, uncategorised item
    /// rather than disappearing.
    public func item(_ id: String) -> Item {
        items[id] ?? Item(id: id, title: nil, categoryPaths: [])
    }

    public func session(id: String) -> Session? {
        sessions.first { $0.id == id }
    }

    public func sessions(in role: SplitRole) -> [Session] {
        sessions.filter { split[$0.id] == role }
    }
}
