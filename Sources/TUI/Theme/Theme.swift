import Pipeline

/// Named styles for every part of the screen; widgets and screens never pick raw colours.
public struct Theme: Equatable, Sendable {
    public var base = Style()
    public var border = Style(fg: .indexed(240))
    public var borderFocused = Style(fg: .indexed(39))
    public var title = Style(fg: .indexed(39), modifiers: [.bold])
    public var tabActive = Style(fg: .indexed(16), bg: .indexed(39), modifiers: [.bold])
    public var tabInactive = Style(fg: .indexed(250))
    public var selected = Style(fg: .indexed(231), bg: .indexed(24), modifiers: [.bold])
    public var muted = Style(fg: .indexed(244))
    public var header = Style(fg: .indexed(250), modifiers: [.bold, .underline])
    public var status = Style(fg: .indexed(16), bg: .indexed(250))
    public var statusKey = Style(fg: .indexed(16), bg: .indexed(250), modifiers: [.bold])
    public var filter = Style(fg: .indexed(214), modifiers: [.bold])
    public var error = Style(fg: .indexed(196), modifiers: [.bold])
    public var untitled = Style(fg: .indexed(244), modifiers: [.italic])
    public var noise = Style(fg: .indexed(246))
    /// Student bundles by error category (the paper's taxonomy).
    public var exact = Style(fg: .indexed(42), modifiers: [.bold])
    public var subset = Style(fg: .indexed(45))
    public var partial = Style(fg: .indexed(214))
    public var disjoint = Style(fg: .indexed(203))
    public var single = Style(fg: .indexed(171))
    public var hallucinated = Style(fg: .indexed(196), modifiers: [.bold, .underline])
    /// Bars of charts, and the running-work indicator.
    public var bar = Style(fg: .indexed(39))
    public var working = Style(fg: .indexed(16), bg: .indexed(214), modifiers: [.bold])
    /// One colour per ground-truth bundle, reused cyclically.
    public var bundles: [Style] = [
        Style(fg: .indexed(42)), Style(fg: .indexed(214)), Style(fg: .indexed(171)),
        Style(fg: .indexed(45)), Style(fg: .indexed(203)), Style(fg: .indexed(227)),
    ]

    public init() {}

    public func bundle(_ index: Int) -> Style {
        bundles.isEmpty ? base : bundles[index % bundles.count]
    }

    public func category(_ category: BundleErrorCategory) -> Style {
        switch category {
        case .exact: return exact
        case .multiItemSubset: return subset
        case .partialWithExtra: return partial
        case .disjoint: return disjoint
        case .singleItem: return single
        case .hallucinated: return hallucinated
        }
    }

    /// Black and white for `NO_COLOR` (no-color.org): structure shown by bold, reverse and dim.
    public static let monochrome: Theme = {
        var theme = Theme()
        let plain = Style()
        theme.border = plain
        theme.borderFocused = Style(modifiers: [.bold])
        theme.title = Style(modifiers: [.bold])
        theme.tabActive = Style(modifiers: [.reverse, .bold])
        theme.tabInactive = plain
        theme.selected = Style(modifiers: [.reverse])
        theme.muted = Style(modifiers: [.dim])
        theme.header = Style(modifiers: [.bold, .underline])
        theme.status = Style(modifiers: [.reverse])
        theme.statusKey = Style(modifiers: [.reverse, .bold])
        theme.filter = Style(modifiers: [.bold])
        theme.error = Style(modifiers: [.bold])
        theme.untitled = Style(modifiers: [.dim, .italic])
        theme.noise = Style(modifiers: [.dim])
        theme.bundles = [Style(modifiers: [.bold])]
        theme.exact = Style(modifiers: [.bold])
        theme.subset = plain
        theme.partial = Style(modifiers: [.italic])
        theme.disjoint = Style(modifiers: [.dim])
        theme.single = Style(modifiers: [.dim, .italic])
        theme.hallucinated = Style(modifiers: [.underline])
        theme.bar = plain
        theme.working = Style(modifiers: [.reverse, .bold])
        return theme
    }()
}
