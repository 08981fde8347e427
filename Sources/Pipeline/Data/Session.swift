import Foundation

/// One shopping session: the items a user browsed, in the order they were shown, and the
/// bundles crowd workers found in it.
public struct Session: Hashable, Sendable, Codable {
    public let id: String
    /// Item ids in display order; intents such as "item 2 and 4" refer to these positions.
    public let itemIDs: [String]
    public let user: String?
    public let timestamp: Date?
    public var bundles: [GroundTruthBundle]
    /// The session's id in the original BundleRec data when this dataset renumbered it (DICL).
    public let sourceID: String?

    public init(
        id: String, itemIDs: [String], user: String? = nil, timestamp: Date? = nil,
        bundles: [GroundTruthBundle] = [], sourceID: String? = nil
    ) {
        self.id = id
        self.sourceID = sourceID
        self.itemIDs = itemIDs
        self.user = user
        self.timestamp = timestamp
        self.bundles = bundles
    }

    /// Indices of the bundles that contain the item, in bundle order.
    public func bundleIndices(containing itemID: String) -> [Int] {
        bundles.indices.filter { bundles[$0].itemIDs.contains(itemID) }
    }
}

/// A crowd-sourced ground-truth bundle: a subset of its session's items and the intent behind it.
public struct GroundTruthBundle: Hashable, Sendable, Codable {
    public let id: String
    public let itemIDs: [String]
    /// Free text as the worker wrote it, kept verbatim (it may have stray spaces or newlines).
    public let intent: String

    public init(id: String, itemIDs: [String], intent: String) {
        self.id = id
        self.itemIDs = itemIDs
        self.intent = intent
    }

    public var itemSet: Set<String> { Set(itemIDs) }
}
