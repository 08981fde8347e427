import Pipeline

/// A key press, decoded from the terminal.
public enum Key: Hashable, Sendable {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab, backTab, delete
    case function(Int)
}

/// A mouse event in screen coordinates.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case press, wheelUp, wheelDown }
    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }

    /// -1 for a wheel turn up, 1 down, 0 for a press.
    public var wheel: Int { kind == .wheelUp ? -1 : kind == .wheelDown ? 1 : 0 }
}

/// Everything that can happen to the app; `update` handles each. Background work reports
/// through the same messages, so the model only ever changes on the UI thread.
public enum Msg: Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resized(width: Int, height: Int)
    /// The data, read in the background after the first frame.
    case datasetsLoaded([Dataset], label: String)
    /// The data could not be read: the app ends with this line and exit status 1.
    case dataLoadFailed(String)
    /// The workspace as read in the background: knowledge, runs, predictions, the report.
    case workspaceLoaded(WorkspaceSnapshot)
    case workStarted(WorkKind, detail: String)
    case extraction(ExtractionEvent)
    case experiment(ExperimentEvent)
    /// Work ended: nil when it completed, else why it stopped (cancelled, or the error line).
    case workFinished(WorkKind, failure: String?)
    case themeLoaded(name: String, Theme)
    /// A one-line message for the status bar (errors name what and where).
    case notice(String)
    /// A request of the running work has waited this many seconds for its first token (0: over).
    case serverWaiting(LLMRole, seconds: Int)
    /// A caption from the demo script.
    case caption(String)
}

/// Work the runtime performs for `update`; plain data, never a closure over the model.
public enum Effect: Equatable, Sendable {
    case quit
    case startExtraction(stages: [KnowledgeFormat], plan: SamplePlan)
    case startGrid(cells: [ExperimentCell], testLimit: Int?)
    case cancelWork
    case setPaused(Bool)
    case reloadWorkspace(baselineRunID: Int64?, mode: ScoringMode)
    case loadTheme(String)
    /// Re-asks the student for a run's sessions with each knowledge item left out, in the background.
    case startAttribution(runID: Int64, sessions: Int?)
    case saveKnowledgeSet(KnowledgeCuration, name: String, author: String)
    /// A line for the status bar.
    case notice(String)
}
