import Foundation

/// What leaving one unit of knowledge out of a cell's prompt would have left: the unit.
public struct AttributionUnit: Hashable, Sendable {
    public let pieces: [KnowledgePiece]

    public init(_ pieces: [KnowledgePiece]) { self.pieces = pieces }

    /// A single piece's own key, so its effect follows its text; a group's names its members.
    public var key: String {
        pieces.count == 1
            ? pieces[0].key : "group:" + SHA256.hex(Data(pieces.map(\.key).joined(separator: ",").utf8)).prefix(16)
    }
}

/// The measured effect of one unit on a run: its answers with the unit against those without it,
/// session by session. Deltas are (with − without), so a positive Δprecision means it helped.
public struct KnowledgeEffect: Sendable {
    public let unit: AttributionUnit
    /// Sessions whose two answers were both scored (paper mode leaves some out).
    public let sessions: Int
    /// Sessions whose precision was higher with the unit, lower with it, or the same.
    public let helped: Int
    public let hurt: Int
    public let unchanged: Int
    public let precision: Delta
    public let recall: Delta
    /// The mean over sessions of each session's own coverage.
    public let coverage: Delta
    /// ROUGE-L F1 of the hit bundles' intents (each session's mean), over the sessions with hits
    /// both ways: a rule can change what the student calls a bundle without changing the bundle.
    public let intent: Delta
    public let intentSessions: Int

    public struct Delta: Sendable {
        public let mean: Double
        public let ci: Significance.Interval
    }

    /// `helped 4 · hurt 2 · Δprecision +0.03 [-0.01, 0.07]`.
    public var summary: String {
        "helped \(helped) · hurt \(hurt) · Δprecision \(Self.signed(precision.mean)) "
            + "[\(Self.signed(precision.ci.low)), \(Self.signed(precision.ci.high))]"
    }

    public static func signed(_ value: Double) -> String {
        (value >= 0.0005 ? "+" : value <= -0.0005 ? "-" : "") + String(format: "%.3f", abs(value))
    }
}

/// Attribution by ablation, the pure half: which units to leave out, and their effects from
/// scored answers. `AttributionRunner` asks the student.
public enum Attribution {
    /// Each piece alone when there are at most `maxUnits`, else contiguous groups in prompt order
    /// of ⌈count / maxUnits⌉ pieces, so the number of student calls stays at most
    /// maxUnits × sessions (a group's effect is its members' joint effect).
    public static func units(_ pieces: [KnowledgePiece], maxUnits: Int) -> [AttributionUnit] {
        guard !pieces.isEmpty else { return [] }
        let size = Int((Double(pieces.count) / Double(max(1, maxUnits))).rounded(.up))
        return stride(from: 0, to: pieces.count, by: size).map {
            AttributionUnit(Array(pieces[$0..<min(pieces.count, $0 + size)]))
        }
    }

    /// The effect of `unit` from the run's answers (`with`) and those without the unit, paired by
    /// session; a session missing from `without` (an attribution still running) is left out.
    public static func effect(
        of unit: AttributionUnit, with: [SessionPrediction], without: [String: SessionPrediction],
        mode: ScoringMode
    ) -> KnowledgeEffect {
        var precision: [Double] = [], recall: [Double] = [], coverage: [Double] = [], intent: [Double] = []
        var helped = 0, hurt = 0, unchanged = 0
        for prediction in with {
            guard let other = without[prediction.session.id] else { continue }
            let a = Scorer.score(prediction, mode: mode)
            let b = Scorer.score(other, mode: mode)
            guard a.excluded == nil, b.excluded == nil else { continue }
            precision.append(a.precision - b.precision)
            recall.append(a.recall - b.recall)
            coverage.append(a.coverage - b.coverage)
            if !a.intentScores.isEmpty && !b.intentScores.isEmpty {
                intent.append(RunMetrics.mean(a.intentScores) - RunMetrics.mean(b.intentScores))
            }
            if abs(a.precision - b.precision) < 1e-12 {
                unchanged += 1
            } else if a.precision > b.precision {
                helped += 1
            } else {
                hurt += 1
            }
        }
        func delta(_ values: [Double]) -> KnowledgeEffect.Delta {
            .init(mean: RunMetrics.mean(values), ci: Significance.bootstrap(numerators: values))
        }
        return KnowledgeEffect(
            unit: unit, sessions: precision.count, helped: helped, hurt: hurt, unchanged: unchanged,
            precision: delta(precision), recall: delta(recall), coverage: delta(coverage), intent: delta(intent),
            intentSessions: intent.count)
    }
}
