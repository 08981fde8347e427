/// A product as the crowd workers saw it: an id, an optional title and its category paths.
public struct Item: Hashable, Sendable, Codable {
    public let id: String
    /// The display title with HTML entities decoded; `nil` when the dataset has none.
    public let title: String?
    /// Category paths from the root to a leaf, e.g. `[["Electronics", "Camera & Photo", "Lenses"]]`.
    public let categoryPaths: [[String]]

    public init(id: String, title: String?, categoryPaths: [[String]]) {
        self.id = id
        self.title = title
        self.categoryPaths = categoryPaths
    }

    /// The most specific category: the leaf of the longest path (the first one on a tie).
    /// Clothing items often carry several paths; the longest is the most informative.
    public var leafCategory: String? {
        var best: [String] = []
        for path in categoryPaths where path.count > best.count { best = path }
        return best.last
    }

    /// What a person or a prompt sees: the title, or an honest placeholder naming the category.
    public var displayTitle: String {
        if let title, !title.isEmpty { return title }
        if let leaf = leafCategory { return "(untitled \(leaf))" }
        return "(untitled item \(id))"
    }

    /// The title cleaned as the DICL/AICL prompts clean it (see `TitleCleaning`).
    public var promptTitle: String {
        guard let title, !title.isEmpty else { return displayTitle }
        return TitleCleaning.promptTitle(title)
    }

    public var isUntitled: Bool { title?.isEmpty ?? true }
}
