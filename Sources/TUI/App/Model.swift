import Pipeline

/// The screens of the workbench, in tab order.
public enum ScreenID: Int, CaseIterable, Sendable {
    case sessions = 1

    public var title: String {
        switch self {
        case .sessions: return "Sessions"
        }
    }
}

/// The whole state of the front end; `view` draws it, `update` changes it.
public struct AppModel: Sendable {
    public var width: Int
    public var height: Int
    public var theme: Theme
    public var activeScreen: ScreenID = .sessions
    public var showHelp = false
    public var sessions: SessionsScreen
    /// Where the data came from, shown in the tab bar.
    public var sourceLabel: String

    public init(datasets: [Dataset], sourceLabel: String, theme: Theme = Theme(), width: Int = 80, height: Int = 24) {
        self.width = width
        self.height = height
        self.theme = theme
        self.sourceLabel = sourceLabel
        sessions = SessionsScreen(datasets: datasets)
    }

    /// Smallest terminal the layout works in.
    public static let minimumSize = (width: 60, height: 15)

    /// Rows available to the active screen: everything between the tab bar and the status line.
    public var bodyHeight: Int { max(0, height - 2) }

    /// True while a text field has the keyboard, so letters are typed rather than commands.
    public var isTyping: Bool { sessions.isEditingFilter }
}
