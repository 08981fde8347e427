/// How sessions and bundles are written into prompts: numbered products with their cleaned
/// titles and leaf categories, and bundles as product numbers with intents.
public enum SessionText {
    public static func products(_ session: Session, in dataset: Dataset) -> String {
        session.itemIDs.enumerated().map { index, id in
            let item = dataset.item(id)
            return "product\(index + 1): \(item.promptTitle)" + (item.leafCategory.map { " [\($0)]" } ?? "")
        }.joined(separator: "\n")
    }

    /// The session's cleaned titles as one text, for TF-IDF similarity and diversity sampling.
    public static func titles(_ session: Session, in dataset: Dataset) -> String {
        session.itemIDs.map { dataset.item($0).promptTitle }.joined(separator: " ")
    }

    /// Ground-truth bundles as 1-based position sets, in bundle order.
    public static func positions(_ session: Session) -> [Set<Int>] {
        session.bundles.map { bundle in
            Set(bundle.itemIDs.compactMap { id in session.itemIDs.firstIndex(of: id).map { $0 + 1 } })
        }
    }

    public static func groundTruth(_ session: Session) -> String {
        zip(session.bundles, positions(session)).map { bundle, positions in
            "- products \(positions.sorted().map(String.init).joined(separator: ", ")): \(bundle.intent.collapsedWhitespace)"
        }.joined(separator: "\n")
    }
}
