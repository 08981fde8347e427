/// The shape of a run's answers, which precision alone hides: how many products a bundle holds
/// (a student that lists every product in one bundle), and how often an answer copies the
/// prompt's example `[1, 2]`.
public struct AnswerShape: Sendable, Equatable {
    /// Mean products per predicted bundle, over every bundle of every parsed answer.
    public let itemsPerBundle: Double
    /// The share of parsed answers holding a bundle of exactly products 1 and 2.
    public let firstPairShare: Double
    public let parsed: Int

    public init(_ answers: [[ParsedBundle]?]) {
        let parsed = answers.compactMap { $0 }
        let bundles = parsed.flatMap { $0 }
        self.parsed = parsed.count
        itemsPerBundle =
            bundles.isEmpty ? 0 : Double(bundles.reduce(0) { $0 + Set($1.items).count }) / Double(bundles.count)
        firstPairShare =
            parsed.isEmpty
            ? 0 : Double(parsed.filter { $0.contains { Set($0.items) == [1, 2] } }.count) / Double(parsed.count)
    }
}
