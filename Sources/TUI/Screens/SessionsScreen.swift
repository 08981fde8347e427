import Pipeline

/// The Sessions screen: a filterable list of sessions and the selected session's items and
/// ground-truth bundles.
public struct SessionsScreen: Sendable {
    /// One list entry: where the session lives and the lower-cased text `/` searches.
    struct Entry: Sendable {
        let dataset: Int
        let session: Int
        let searchText: String
    }

    public let datasets: [Dataset]
    let entries: [Entry]
    /// Indices into `entries` that match the filter, in order.
    private(set) var visible: [Int]
    public var list = ListState()
    public private(set) var filter = ""
    public private(set) var isEditingFilter = false
    public var detailScroll = 0

    public init(datasets: [Dataset]) {
        self.datasets = datasets
        var entries: [Entry] = []
        for (d, dataset) in datasets.enumerated() {
            for (s, session) in dataset.sessions.enumerated() {
                entries.append(Entry(dataset: d, session: s, searchText: Self.searchText(session, in: dataset)))
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

    mutating func handle(_ key: Key, bodyHeight: Int) {
        let page = max(1, SessionsLayout.listRows(bodyHeight: bodyHeight))
        if isEditingFilter {
            editFilter(key)
        } else {
            switch key {
            case .up, .char("k"): move(by: -1)
            case .down, .char("j"): move(by: 1)
            case .pageUp: move(by: -page)
            case .pageDown, .char(" "): move(by: page)
            case .home, .char("g"): move(by: -list.selected)
            case .end, .char("G"): move(by: visible.count)
            case .char("K"): detailScroll = max(0, detailScroll - 1)
            case .char("J"): detailScroll += 1
            case .char("/"): isEditingFilter = true
            case .escape where !filter.isEmpty: setFilter("")
            default: break
            }
        }
        list.scrollIntoView(height: page, count: visible.count)
    }

    private mutating func editFilter(_ key: Key) {
        switch key {
        case .enter: isEditingFilter = false
        case .escape:
            isEditingFilter = false
            setFilter("")
        case .backspace: setFilter(String(filter.dropLast()))
        case .ctrl("u"): setFilter("")
        case .char(let ch): setFilter(filter + String(ch))
        default: break
        }
    }

    mutating func setFilter(_ text: String) {
        let previous: Int? = list.selected < visible.count ? visible[list.selected] : nil
        filter = text
        let needle = text.lowercased()
        visible = entries.indices.filter { needle.isEmpty || entries[$0].searchText.contains(needle) }
        // Keep the same session selected when it is still visible.
        var keep = 0
        if let previous, let index = visible.firstIndex(of: previous) { keep = index }
        list = ListState(selected: keep)
        detailScroll = 0
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
    mutating func handle(_ event: MouseEvent, layout: SessionsLayout) {
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
