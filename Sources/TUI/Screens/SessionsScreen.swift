import Pipeline

/// The Sessions screen: a filterable list of sessions and the selected session's items and
/// ground-truth bundles.
public struct SessionsScreen: Sendable {
    /// One list entry: where the session lives.
    struct Entry: Sendable {
        let dataset: Int
        let session: Int
    }

    public let datasets: [Dataset]
    let entries: [Entry]
    let listColumns: (id: Int, domain: Int)
    /// The lower-cased text `/` searches, per entry: built by the first search, not with the list
    /// (a sixth of the time to show 5,550 sessions went to it).
    private var searchTexts: [String]?
    /// Indices into `entries` that match the filter, in order.
    private(set) var visible: [Int]
    public var list = ListState()
    public private(set) var filter = ""
    public private(set) var isEditingFilter = false
    public var detailScroll = 0
    public private(set) var sort = SessionSort.dataOrder
    public private(set) var domainFilter: String?
    public private(set) var splitFilter: SplitRole?
    /// The run whose student bundles the details show; nil shows the newest run that has one.
    public var runID: Int64?
    /// The teacher's error rate per "domain/session", once rules have been extracted.
    public private(set) var difficulty: [String: Double] = [:]

    public init(datasets: [Dataset]) {
        self.datasets = datasets
        listColumns = Self.listColumns(datasets)
        var entries: [Entry] = []
        for (d, dataset) in datasets.enumerated() {
            for s in dataset.sessions.indices {
                entries.append(Entry(dataset: d, session: s))
            }
        }
        self.entries = entries
        visible = Array(entries.indices)
    }

    static func searchText(_ session: Session, in dataset: Dataset) -> String {
        let items = session.itemIDs.map { id -> String in
            let item = dataset.item(id)
            return "\(item.displayTitle) \(item.leafCategory ?? "")"
        }
        return ([session.id, dataset.domain] + items + session.bundles.map(\.intent))
            .joined(separator: "\n").lowercased()
    }

    public var visibleCount: Int { visible.count }
    public var totalCount: Int { entries.count }

    /// The selected session and its dataset, if any session is visible.
    public var selection: (dataset: Dataset, session: Session)? {
        list.selected < visible.count ? entry(atVisibleRow: list.selected) : nil
    }

    func entry(atVisibleRow row: Int) -> (dataset: Dataset, session: Session) {
        let entry = entries[visible[row]]
        return (datasets[entry.dataset], datasets[entry.dataset].sessions[entry.session])
    }

    // MARK: update

    public enum Action: Sendable {
        case move(Int), page(Int), first, last, scrollDetail(Int), editFilter, clearFilter
        case cycleSort, cycleDomain, cycleSplit, cycleRun
        case typed(Key), mouse(MouseEvent)
    }

    public static let bindings: [KeyBinding<Action>] = [
        KeyBinding([.up, .char("k")], "↑ ↓  j k", "move the selection", .move(-1)),
        KeyBinding([.down, .char("j")], "", "", .move(1)),
        KeyBinding([.pageUp], "PgUp PgDn  Space", "move a page", .page(-1)),
        KeyBinding([.pageDown, .char(" ")], "", "", .page(1)),
        KeyBinding([.home, .char("g")], "g G  Home End", "first / last session", .first),
        KeyBinding([.end, .char("G")], "", "", .last),
        KeyBinding([.char("/")], "/", "filter by id, title, category or intent (Enter keeps, Esc clears)", .editFilter),
        KeyBinding([.backspace, .escape], "Backspace  Esc", "clear the filter", .clearFilter),
        KeyBinding([.char("J")], "J K", "scroll the session details", .scrollDetail(1)),
        KeyBinding([.char("K")], "", "", .scrollDetail(-1)),
        KeyBinding([.char("s")], "s", "sort: data order, length, bundles, difficulty", .cycleSort),
        KeyBinding([.char("d")], "d", "domain filter: all, then each domain", .cycleDomain),
        KeyBinding([.char("t")], "t", "split filter: all, train, valid, test", .cycleSplit),
        KeyBinding([.char("r")], "r", "which run's student bundles to show", .cycleRun),
    ]

    mutating func update(_ action: Action, context: ScreenContext) -> [Effect] {
        if case .mouse(let event) = action {
            mouse(event, layout: SessionsLayout(width: context.width, height: context.height))
            return []
        }
        apply(action, page: Self.page(context), runs: context.snapshot?.runs ?? [])
        keepSelectionVisible(context)
        return []
    }

    /// List rows a page key moves by.
    private static func page(_ context: ScreenContext) -> Int {
        max(1, SessionsLayout.listRows(bodyHeight: context.bodyHeight))
    }

    private mutating func keepSelectionVisible(_ context: ScreenContext) {
        list.scrollIntoView(height: Self.page(context), count: visible.count)
    }

    private mutating func apply(_ action: Action, page: Int, runs: [RunRecord]) {
        switch action {
        case .move(let delta): move(by: delta)
        case .page(let direction): move(by: direction * page)
        case .first: move(by: -list.selected)
        case .last: move(by: visible.count)
        case .scrollDetail(let delta): detailScroll = max(0, detailScroll + delta)
        case .editFilter: isEditingFilter = true
        case .clearFilter: setFilter("")
        case .cycleSort:
            sort = sort.next
            setFilter(filter)
        case .cycleDomain:
            domainFilter = ([nil] + datasets.map(\.domain)).cycled(after: domainFilter)
            setFilter(filter)
        case .cycleSplit:
            splitFilter = ([nil] + SplitRole.allCases).cycled(after: splitFilter)
            setFilter(filter)
        case .cycleRun:
            runID = ([nil] + runs.compactMap(\.id)).cycled(after: runID)
        case .typed(let key): editFilter(key)
        case .mouse: break  // handled in update
        }
    }

    private mutating func editFilter(_ key: Key) {
        var field = TextFilter(text: filter, isEditing: true)
        field.edit(key)
        isEditingFilter = field.isEditing
        if field.text != filter || key == .escape { setFilter(field.text) }
    }

    /// New difficulty figures re-sort the list when it is sorted by difficulty.
    mutating func setDifficulty(_ rates: [String: Double]) {
        difficulty = rates
        if sort == .difficulty { setFilter(filter) }
    }

    mutating func setFilter(_ text: String) {
        let previous: Int? = list.selected < visible.count ? visible[list.selected] : nil
        filter = text
        let needle = text.lowercased()
        if !needle.isEmpty && searchTexts == nil {
            searchTexts = entries.map { entry in
                Self.searchText(datasets[entry.dataset].sessions[entry.session], in: datasets[entry.dataset])
            }
        }
        let searchTexts = self.searchTexts ?? []
        visible = entries.indices.filter { index in
            let entry = entries[index]
            let dataset = datasets[entry.dataset]
            if let domainFilter, dataset.domain != domainFilter { return false }
            if let splitFilter, dataset.split[dataset.sessions[entry.session].id] != splitFilter { return false }
            return needle.isEmpty || searchTexts[index].contains(needle)
        }
        if sort != .dataOrder {
            let keys = visible.map { sortKey(entries[$0]) }
            visible = zip(visible, keys).enumerated().sorted { a, b in
                a.element.1 != b.element.1 ? a.element.1 > b.element.1 : a.offset < b.offset
            }.map(\.element.0)
        }
        // Keep the same session selected when it is still visible.
        var keep = 0
        if let previous, let index = visible.firstIndex(of: previous) { keep = index }
        list = ListState(selected: keep)
        detailScroll = 0
    }

    /// Larger sorts first; sessions without a known difficulty sort last under difficulty.
    private func sortKey(_ entry: Entry) -> Double {
        let dataset = datasets[entry.dataset]
        let session = dataset.sessions[entry.session]
        switch sort {
        case .dataOrder: return 0
        case .length: return Double(session.itemIDs.count)
        case .bundles: return Double(session.bundles.count)
        case .difficulty: return difficulty[SessionReference.key(domain: dataset.domain, session: session.id)] ?? -1
        }
    }

    /// A short description of the active sort and filters for the list title.
    var filterSummary: String {
        var parts: [String] = []
        if sort != .dataOrder { parts.append("by \(sort.title)") }
        if let domainFilter { parts.append(domainFilter) }
        if let splitFilter { parts.append(splitFilter.rawValue) }
        return parts.joined(separator: " · ")
    }

    mutating func move(by delta: Int) {
        let before = list.selected
        list.move(by: delta, count: visible.count)
        if list.selected != before { detailScroll = 0 }
    }

    mutating func layoutChanged(bodyHeight: Int) {
        list.scrollIntoView(height: SessionsLayout.listRows(bodyHeight: bodyHeight), count: visible.count)
    }

    /// Wheel scrolls whichever pane the pointer is over; a click on a list row selects it.
    private mutating func mouse(_ event: MouseEvent, layout: SessionsLayout) {
        let overList = layout.list.contains(x: event.x, y: event.y)
        switch event.kind {
        case .wheelUp: if overList { move(by: -1) } else { detailScroll = max(0, detailScroll - 1) }
        case .wheelDown: if overList { move(by: 1) } else { detailScroll += 1 }
        case .press:
            let inner = layout.listInner
            if inner.contains(x: event.x, y: event.y) {
                let row = list.offset + event.y - inner.y
                if row < visible.count { list.select(row, count: visible.count); detailScroll = 0 }
            }
        }
        list.scrollIntoView(height: layout.listInner.height, count: visible.count)
    }
}

/// How the session list is ordered.
public enum SessionSort: Int, CaseIterable, Sendable {
    case dataOrder, length, bundles, difficulty

    var title: String { ["data order", "length", "bundles", "difficulty"][rawValue] }
}

/// Where the Sessions screen's panes are for a terminal size; shared by view and mouse handling.
public struct SessionsLayout: Sendable {
    public let list: Rect
    public let detail: Rect

    public init(width: Int, height: Int) {
        let body = Rect(x: 0, y: 1, width: width, height: height - 2)
        let split = body.splitLeft(min(48, max(34, width * 2 / 5)))
        list = split.left
        detail = split.rest
    }

    /// The list's rows: inside the border, below the column header.
    var listInner: Rect { list.inset(by: 1).splitTop(1).rest }

    static func listRows(bodyHeight: Int) -> Int { max(0, bodyHeight - 3) }
}
