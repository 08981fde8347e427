import Pipeline
import Foundation

/// The kinds of long work the workbench runs off the UI thread.
public enum WorkKind: String, Sendable {
    case extraction = "extract", grid = "grid", attribution = "attribute"
}

/// The one piece of long work running now, as the status bar shows it.
public struct WorkState: Sendable {
    public var kind: WorkKind
    public var detail: String
    public var paused = false
    /// The latest progress line from the work's events.
    public var line = ""
    /// The grid cell being run ("cell 2/4 rules random 0.1"), which the student's progress follows.
    public var cell = ""
    /// Set while a request has waited this long for its first token (a queued or slow server).
    public var waiting: (role: LLMRole, seconds: Int)?
}
