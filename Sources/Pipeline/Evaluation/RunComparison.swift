import Foundation

/// Two runs over the same sessions, session by session: where one found a bundle and the other
/// did not, and which knowledge each one's prompt held.
public enum RunComparison {
    /// A session scored a hit (a predicted bundle counted as one) in one run and none in the other.
    public struct Flip: Sendable, Equatable {
        public enum Kind: String, Sendable { case missToHit = "miss → hit", hitToMiss = "hit → miss" }
        public let sessionID: String
        public let kind: Kind
    }

    /// Flips from `a` to `b` over the sessions both answered, in the dataset's order; in paper
    /// mode a session either run leaves out is not compared.
    public static func flips(
        _ a: [String: PredictionRecord], _ b: [String: PredictionRecord], dataset: Dataset, mode: ScoringMode
    ) -> [Flip] {
        dataset.sessions.compactMap { session -> Flip? in
            guard let x = a[session.id], let y = b[session.id] else { return nil }
            let first = Scorer.score(SessionPrediction(session: session, bundles: x.parsedBundles), mode: mode)
            let second = Scorer.score(SessionPrediction(session: session, bundles: y.parsedBundles), mode: mode)
            guard first.excluded == nil, second.excluded == nil, (first.hits > 0) != (second.hits > 0) else {
                return nil
            }
            return Flip(sessionID: session.id, kind: first.hits > 0 ? .hitToMiss : .missToHit)
        }
    }

    /// The knowledge pieces in the prompt `run` sent for `session`, rebuilt the way the runner
    /// builds it (the sample's knowledge, a curated set's entries in place of what it holds);
    /// empty for a method without knowledge in its prompt.
    public static func pieces(
        in run: RunRecord, session: Session, dataset: Dataset, stored: [KnowledgeItem], sets: [KnowledgeSetRecord],
        builder: ICLPromptBuilder = ICLPromptBuilder()
    ) -> [KnowledgePiece] {
        guard run.method.takesKnowledgeInPrompt, !run.isZeroShot, run.knowledgeDomains == nil else { return [] }
        let cell = run.cell
        let sample = KnowledgeSelection.sample(dataset, strategy: cell.strategy, ratio: cell.ratio, seed: cell.seed)
        var context = KnowledgeSelection(
            formats: cell.formats, dataset: dataset, sample: sample,
            stored: stored.filter { $0.domain == dataset.domain }
        ).context
        if let reference = run.knowledgeSet, let set = sets.first(where: { $0.reference == reference }) {
            context = context.curated(by: set.entryList, formats: cell.formats)
        }
        let prompt = builder.messages(
            for: session, in: dataset, knowledge: context, training: dataset.sessions(in: .train)
        ).map(\.content).joined(separator: "\n")
        return context.pieces(shownBy: builder).filter { prompt.contains($0.text) }
    }
}
