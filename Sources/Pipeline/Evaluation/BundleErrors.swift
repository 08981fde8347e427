/// The authors' error taxonomy for a predicted bundle (`findErrors` in the AICL/KD scoring code):
/// compared with the ground-truth bundle of highest Jaccard similarity.
public enum BundleErrorCategory: String, Sendable, Codable, CaseIterable {
    /// Jaccard 1: the same items as a ground-truth bundle.
    case exact
    /// Jaccard 0: shares no item with any ground-truth bundle.
    case disjoint
    /// Overlaps a ground-truth bundle but also holds items outside it.
    case partialWithExtra = "partial"
    /// A proper subset of a ground-truth bundle with at least two items.
    case multiItemSubset = "subset"
    /// A single item that belongs to a ground-truth bundle.
    case singleItem = "single"
    /// Refers to a product position the session does not have.
    case hallucinated

    /// The feedback the teacher is given for a bundle in this category (after AICL's auto-feedback).
    public var feedback: String {
        switch self {
        case .exact: return "correct and should be kept"
        case .disjoint: return "not a real bundle: none of its products belong together in the ground truth; remove it"
        case .partialWithExtra: return "contains irrelevant products that should be removed"
        case .multiItemSubset: return "is missing some related products from the session that should be added"
        case .singleItem: return "has only one product; a bundle needs at least two related products"
        case .hallucinated: return "refers to products that are not in the session"
        }
    }
}

public enum BundleErrors {
    /// Categorises `predicted` (1-based product positions) against ground-truth position sets.
    /// Returns the category and the index of the ground-truth bundle it was compared with.
    public static func categorize(
        _ predicted: [Int], sessionLength: Int, groundTruth: [Set<Int>]
    ) -> (category: BundleErrorCategory, matched: Int?) {
        let items = Set(predicted)
        if items.isEmpty || items.contains(where: { $0 < 1 || $0 > sessionLength }) { return (.hallucinated, nil) }
        var best: (index: Int, jaccard: Double)?
        for (index, truth) in groundTruth.enumerated() {
            let jaccard = Double(items.intersection(truth).count) / Double(items.union(truth).count)
            if best == nil || jaccard > best!.jaccard { best = (index, jaccard) }
        }
        guard let best, best.jaccard > 0 else { return (.disjoint, best?.index) }
        if best.jaccard == 1 { return (.exact, best.index) }
        if items.isSubset(of: groundTruth[best.index]) {
            return (items.count == 1 ? .singleItem : .multiItemSubset, best.index)
        }
        return (.partialWithExtra, best.index)
    }
}
