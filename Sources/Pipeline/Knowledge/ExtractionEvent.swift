import Foundation

/// What extraction reports as it works; the CLI progress bar and the TUI Extract screen consume it.
public enum ExtractionEvent: Sendable {
    case stageStarted(KnowledgeFormat, steps: Int)
    case promptSent(KnowledgeFormat, session: String?, prompt: String)
    case tokens(KnowledgeFormat, session: String?, text: String)
    case itemParsed(KnowledgeFormat, session: String?, summary: String)
    case itemStored(KnowledgeItem)
    /// Done in an earlier run; skipped.
    case stepResumed(KnowledgeFormat, session: String?)
    case stepFailed(KnowledgeFormat, session: String?, reason: String)
    case note(String)
    case progress(ExtractionProgress)
}

/// Running totals for a progress bar.
public struct ExtractionProgress: Sendable, Equatable {
    public var stage: KnowledgeFormat = .pattern
    public var stepsDone = 0
    public var stepsTotal = 0
    public var calls = 0
    public var cacheHits = 0
    public var promptTokens = 0
    public var completionTokens = 0
    public var itemsStored = 0
    public var failures = 0
    public var started = Date()
    /// Seconds from `started` to this snapshot; stored, so whoever shows it draws the same
    /// picture every time.
    public var elapsed: Double = 0
    /// Seconds since the current stage started: the pace of its steps, for the ETA.
    public var stageElapsed: Double = 0
    public var stageStarted = Date()

    public init() {}

    public var tokensPerSecond: Double { elapsed > 0 ? Double(completionTokens) / elapsed : 0 }
    /// Seconds left at the current pace, once a step has finished.
    public var eta: Double? {
        stepsDone > 0 && stepsTotal > stepsDone
            ? stageElapsed / Double(stepsDone) * Double(stepsTotal - stepsDone) : nil
    }
}

/// The totals of a whole run, per format.
public struct ExtractionSummary: Sendable {
    public var itemsStored: [KnowledgeFormat: Int] = [:]
    public var stepsResumed = 0
    public var failures = 0
    public var progress = ExtractionProgress()
}
