import Pipeline

/// The whole state of the front end; `view` draws it, `update` changes it.
public struct AppModel: Sendable {
    public var width: Int
    public var height: Int
    public var theme: Theme
    public var themeName = "default"
    /// Themes found in themes/, offered by the palette.
    public var themeNames: [String] = ["default"]
    public var activeScreen: ScreenID = .sessions {
        didSet { if activeScreen == .knowledge { refreshKnowledge() } }
    }
    /// The Knowledge screen mines its sample and builds the student's prompt: on 5,550 sessions
    /// that took longer than a frame, so it waits until the screen is shown (true: it is due).
    private(set) var knowledgeIsStale = false
    public var showHelp = false
    public var palette: Palette?
    public var vimKeys = false
    public var datasets: [Dataset]
    /// What is being read before the data arrives (the first frame does not wait for it).
    public var loading: String?
    public var sessions: SessionsScreen
    public var extract = ExtractScreen()
    public var knowledge = KnowledgeScreen()
    public var compare = CompareScreen()
    public var experiments = ExperimentsScreen()
    /// The workspace as last read; nil until the first read finishes.
    public var snapshot: WorkspaceSnapshot?
    /// The long work running now, if any.
    public var work: WorkState?
    /// The last message for the status bar (a finished job, an error).
    public var notice: String?
    /// The demo script's caption, shown over the status bar.
    public var caption: String?
    /// Where the data came from, shown in the tab bar.
    public var sourceLabel: String
    /// The workspace file and endpoints, shown in the status bar.
    public var workspaceLabel = ""

    public init(datasets: [Dataset], sourceLabel: String, theme: Theme = Theme(), width: Int = 80, height: Int = 24) {
        self.width = width
        self.height = height
        self.theme = theme
        self.sourceLabel = sourceLabel
        self.datasets = datasets
        sessions = SessionsScreen(datasets: datasets)
        knowledgeIsStale = true
    }

    /// The data or the workspace changed: the Knowledge screen recomputes now if it is shown,
    /// else when it next is.
    mutating func knowledgeChanged() {
        knowledgeIsStale = true
        if activeScreen == .knowledge { refreshKnowledge() }
    }

    mutating func refreshKnowledge() {
        guard knowledgeIsStale else { return }
        knowledgeIsStale = false
        knowledge.recompute(
            datasets: datasets, stored: snapshot?.knowledge ?? [], attributions: snapshot?.attributions ?? [])
    }

    /// Smallest terminal the layout works in.
    public static let minimumSize = (width: 80, height: 24)

    /// Rows available to the active screen: everything between the tab bar and the status line.
    public var bodyHeight: Int { max(0, height - 2) }

    /// True while a text field has the keyboard, so letters are typed rather than commands.
    public var isTyping: Bool { palette != nil || activeFilter?.isEditing == true }

    /// The `/` filter of the active screen, if it has one.
    public var activeFilter: TextFilter? {
        switch activeScreen {
        case .sessions: return TextFilter(text: sessions.filter, isEditing: sessions.isEditingFilter)
        case .knowledge: return knowledge.activeField
        case .experiments: return experiments.filter
        case .compare: return compare.filter
        case .extract: return nil
        }
    }
}
