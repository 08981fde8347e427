import Foundation

/// Which support a rule must reach. pyfim's default counts the body (antecedent) alone; mlxtend,
/// efficient-apriori and pyfim's `mode='o'` count body ∪ head. On the 50,000-transaction benchmark
/// at 0.1% / 50% they give 2,026 and 1,412 rules (docs/anchors.md §B.1).
public enum RuleSupport: String, Sendable, CaseIterable {
    /// supp(body ∪ head) ≥ minimum support: every rule comes from a frequent itemset.
    case bodyAndHead = "body+head"
    /// supp(body) ≥ minimum support, as pyfim's `arules` default.
    case body

    public var explanation: String {
        switch self {
        case .bodyAndHead: return "rule support = support of body ∪ head (mlxtend, efficient-apriori, pyfim mode='o')"
        case .body: return "rule support = support of the body alone (pyfim arules default)"
        }
    }
}

/// An association rule body → head with one item in the head (as pyfim), and its measures.
public struct AssociationRule: Sendable, Equatable {
    public let body: [Int32]
    public let head: Int32
    /// Transactions containing body ∪ head, and the body alone.
    public let supportCount: Int
    public let bodyCount: Int
    public let support: Double
    public let confidence: Double
    public let lift: Double
    public let leverage: Double
    /// (1 − supp(head)) / (1 − confidence); infinite for a rule that never fails.
    public let conviction: Double
}

public enum AssociationRules {
    /// Rules from a complete set of frequent itemsets (all sizes down to 1 must be present).
    public static func rules(
        from itemsets: FrequentItemsets, minSupport: Int, minConfidence: Double,
        support definition: RuleSupport
    ) -> [AssociationRule] {
        let supportOf = itemsets.supportIndex()
        let n = Double(itemsets.transactionCount)
        var rules: [AssociationRule] = []
        var body: [Int32] = []
        for k in 0..<itemsets.count where itemsets.size(k) >= 2 {
            let members = Array(itemsets.itemset(k))
            let whole = Int(itemsets.supports[k])
            if definition == .bodyAndHead && whole < minSupport { continue }
            for head in members {
                body.removeAll(keepingCapacity: true)
                for item in members where item != head { body.append(item) }
                guard let bodyCount = supportOf[body].map(Int.init), let headCount = supportOf[[head]].map(Int.init)
                else { continue }
                if definition == .body && bodyCount < minSupport { continue }
                let confidence = Double(whole) / Double(bodyCount)
                guard confidence >= minConfidence - 1e-12 else { continue }
                let headSupport = Double(headCount) / n
                let support = Double(whole) / n
                rules.append(
                    AssociationRule(
                        body: body, head: head, supportCount: whole, bodyCount: bodyCount, support: support,
                        confidence: confidence, lift: confidence / headSupport,
                        leverage: support - Double(bodyCount) / n * headSupport,
                        conviction: confidence >= 1 ? .infinity : (1 - headSupport) / (1 - confidence)))
            }
        }
        return rules
    }
}
