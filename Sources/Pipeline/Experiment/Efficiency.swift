import Foundation

/// What a run cost per test session, from the call log — the efficiency the paper did not
/// measure — and the one-off cost of distilling the knowledge it used.
public struct Efficiency: Sendable, Equatable {
    /// Model calls, prompt and completion tokens per test session (every call behind an answer).
    public var calls: Double
    public var promptTokens: Double
    public var completionTokens: Double
    /// Wall seconds per test session: the run's time over the sessions the model answered in it
    /// (answers run concurrently). Answers served from the cache took no model time, so a run that
    /// extends an earlier one to more sessions is timed on its new sessions only; nil: all cached.
    public var seconds: Double?
    /// The answering model's size on disk and its server's peak resident memory, when known.
    public var modelBytes: Int64?
    public var peakResidentBytes: Int64?
    /// Teacher tokens and seconds spent extracting the knowledge the run used (0 and nil: none).
    public var distillationTokens: Int
    public var distillationSeconds: Double?
    /// A fine-tuned student's one-off training: wall seconds and the trainer's peak memory (nil: none).
    public var trainingSeconds: Double? = nil
    public var trainingPeakBytes: Int64? = nil

    /// `calls` are the logged calls behind `predictions` (ids the log lacks count as nothing);
    /// `student` is the fine-tuned student that answered, if one did.
    public static func measure(
        _ run: RunRecord, predictions: [PredictionRecord], calls: [LLMCallRecord], student: StudentModelRecord? = nil
    ) -> Efficiency {
        let byID = Dictionary(calls.compactMap { call in call.id.map { ($0, call) } }, uniquingKeysWith: { a, _ in a })
        let used = predictions.flatMap(\.allCallIDs).compactMap { byID[$0] }
        let sessions = Double(max(1, predictions.count))
        // A session counts as answered in this run unless every call behind it is a logged cache hit.
        let answered = predictions.filter { prediction in
            let ids = prediction.allCallIDs
            return ids.isEmpty || ids.contains { byID[$0].map { !$0.cacheHit } ?? true }
        }.count
        return Efficiency(
            calls: Double(used.count) / sessions,
            promptTokens: Double(used.reduce(0) { $0 + ($1.promptTokens ?? 0) }) / sessions,
            completionTokens: Double(used.reduce(0) { $0 + ($1.completionTokens ?? 0) }) / sessions,
            seconds: answered == 0 ? nil : run.seconds / Double(answered), modelBytes: run.modelBytes,
            peakResidentBytes: run.peakResidentBytes,
            distillationTokens: run.teacherTokens, distillationSeconds: run.teacherSeconds,
            trainingSeconds: student?.training?.wallSeconds, trainingPeakBytes: student?.training?.peakMemoryBytes)
    }
}
