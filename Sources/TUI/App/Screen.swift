/// What every screen answers to. The app's update does the global part (help, palette, tabs,
/// global keys) and forwards the rest — a key, a key typed into the screen's filter, a mouse
/// event — to the active screen as one of its own actions; what it means is the screen's business.
protocol Screen {
    associatedtype Action: ScreenAction
    static var bindings: [KeyBinding<Action>] { get }
    mutating func update(_ action: Action, context: ScreenContext) -> [Effect]
}

/// The two actions every screen's enum has besides its key-table ones (enum cases satisfy these).
protocol ScreenAction: Sendable {
    /// A key while the screen's `/` filter has the keyboard.
    static func typed(_ key: Key) -> Self
    /// A click or wheel turn below the tab bar.
    static func mouse(_ event: MouseEvent) -> Self
}

/// What the app hands the active screen.
enum ScreenInput {
    case key(Key), typed(Key), mouse(MouseEvent)
}

extension Screen {
    mutating func receive(_ input: ScreenInput, context: ScreenContext) -> [Effect] {
        switch input {
        case .key(let key): return Self.bindings.action(for: key).map { update($0, context: context) } ?? []
        case .typed(let key): return update(.typed(key), context: context)
        case .mouse(let event): return update(.mouse(event), context: context)
        }
    }
}

extension AppModel {
    /// Forwards `input` to the active screen.
    mutating func forward(_ input: ScreenInput) -> [Effect] {
        let context = self.context
        switch activeScreen {
        case .sessions: return sessions.receive(input, context: context)
        case .extract: return extract.receive(input, context: context)
        case .knowledge: return knowledge.receive(input, context: context)
        case .compare: return compare.receive(input, context: context)
        case .experiments: return experiments.receive(input, context: context)
        }
    }
}

extension SessionsScreen: Screen {}
extension ExtractScreen: Screen {}
extension KnowledgeScreen: Screen {}
extension CompareScreen: Screen {}
extension ExperimentsScreen: Screen {}
extension SessionsScreen.Action: ScreenAction {}
extension ExtractScreen.Action: ScreenAction {}
extension KnowledgeScreen.Action: ScreenAction {}
extension CompareScreen.Action: ScreenAction {}
extension ExperimentsScreen.Action: ScreenAction {}
