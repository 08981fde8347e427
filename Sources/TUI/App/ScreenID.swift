/// The screens of the workbench, in tab order; the number is the key that opens it.
public enum ScreenID: Int, CaseIterable, Sendable {
    case sessions = 1, extract, knowledge, compare, experiments

    public var title: String {
        switch self {
        case .sessions: return "Sessions"
        case .extract: return "Extract"
        case .knowledge: return "Knowledge"
        case .compare: return "Compare"
        case .experiments: return "Experiments"
        }
    }

    public var next: ScreenID { ScreenID(rawValue: rawValue % Self.allCases.count + 1)! }
    public var previous: ScreenID {
        ScreenID(rawValue: (rawValue + Self.allCases.count - 2) % Self.allCases.count + 1)!
    }

    public init?(name: String) {
        guard let screen = Self.allCases.first(where: { $0.title.lowercased() == name.lowercased() }) else {
            return nil
        }
        self = screen
    }
}
