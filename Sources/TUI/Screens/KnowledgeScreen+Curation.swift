import Foundation
import Pipeline

/// The analyst's half of the Knowledge screen: each item's measured effect (from the latest
/// attribution of a run in this domain), a curated draft of the rules and thoughts — disable,
/// edit, move, add — saved as a named set, and the attribution started in the background.
extension KnowledgeScreen {
    /// A one-line text field for editing a rule, adding one, or naming the set to save.
    public struct Input: Sendable, Equatable {
        public enum Purpose: Sendable, Equatable { case edit(entry: Int), add, saveAs }
        public var purpose: Purpose
        public var field: TextFilter

        var prompt: String {
            switch purpose {
            case .edit: return "edit rule: "
            case .add: return "new rule: "
            case .saveAs: return "save the curated set as: "
            }
        }
    }

    /// How the rules list is ordered.
    public enum RuleSort: Int, CaseIterable, Sendable {
        case prompt, effect
    }

    /// A row of the rules or thoughts list: a draft entry, with the teacher item it came from.
    public struct EntryRow: Sendable {
        public let index: Int
        public let entry: KnowledgeSetEntry
        public let item: KnowledgeItem?
        public let effect: KnowledgeEffect?
    }

    /// The draft's entries of the current section, filtered and sorted, with their effects.
    var entryRows: [EntryRow] {
        let byID = Dictionary((rules + thoughts).compactMap { item in item.id.map { ($0, item) } }) { a, _ in a }
        let rows = curation.entries.enumerated().compactMap { index, entry -> EntryRow? in
            guard entry.format == section else { return nil }
            let item = entry.origin.flatMap { byID[$0] }
            let haystack = (item?.sessionList.joined(separator: " ") ?? "") + " " + entry.text
            guard filter.matches(haystack) else { return nil }
            return EntryRow(index: index, entry: entry, item: item, effect: attribution?.effect(of: entry.piece))
        }
        guard ruleSort == .effect else { return rows }
        return rows.enumerated().sorted { a, b in
            let (x, y) = (
                a.element.effect?.precision.mean ?? -.infinity, b.element.effect?.precision.mean ?? -.infinity
            )
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
    }

    /// The run whose knowledge an attribution started here measures: the latest icl or icl+sft
    /// run with knowledge in this domain.
    func attributableRun(_ snapshot: WorkspaceSnapshot?) -> RunRecord? {
        snapshot?.runs.last { $0.domain == domain && $0.method.takesKnowledgeInPrompt && !$0.isZeroShot }
    }

    /// The selected row's entry index in the draft, when the list shows entries.
    var selectedEntry: Int? {
        guard section != .pattern else { return nil }
        let rows = entryRows
        return list.selected < rows.count ? rows[list.selected].index : nil
    }

    public enum CurationAction: Sendable, Equatable {
        case toggle, edit, add, move(Int), save, attribute
    }

    mutating func curate(_ action: CurationAction, context: ScreenContext) -> [Effect] {
        let needsEntry: Bool
        switch action {
        case .toggle, .edit, .move: needsEntry = true
        case .add, .save, .attribute: needsEntry = false
        }
        if action == .toggle, section == .pattern {
            let rows = visiblePatterns
            guard list.selected < rows.count else { return [] }
            curation.togglePattern(rows[list.selected].line)
            rebuildPrompt(datasets: context.datasets, stored: context.snapshot?.knowledge ?? [])
            return []
        }
        if needsEntry && selectedEntry == nil || action == .add && section != .rule {
            return [.notice("go to the rules list (→) to curate: x disables, e edits, a adds, < > move")]
        }
        switch action {
        case .toggle:
            guard let index = selectedEntry else { return [] }
            curation.toggle(index)
        case .edit:
            guard let index = selectedEntry, curation.entries[index].format == .rule else {
                return [.notice("a thought can be disabled (x), not edited")]
            }
            input = Input(
                purpose: .edit(entry: index), field: TextFilter(text: curation.entries[index].text, isEditing: true))
        case .add:
            guard section == .rule else { return [] }
            input = Input(purpose: .add, field: TextFilter(isEditing: true))
        case .move(let delta):
            guard let index = selectedEntry else { return [] }
            curation.move(index, by: delta)
            list.move(by: delta, count: rowCount)
        case .save:
            guard curation.isEdited else {
                return [.notice("nothing to save: disable (x), edit (e), move (< >) or add (a) a rule first")]
            }
            input = Input(purpose: .saveAs, field: TextFilter(isEditing: true))
        case .attribute:
            // Before the workspace is read there is no telling whether a run exists.
            guard context.snapshot != nil else { return [.notice("the workspace is still loading: press A again")] }
            guard let run = attributableRun(context.snapshot) else {
                return [.notice("no icl run with knowledge in \(domain) yet: run one on the Experiments screen")]
            }
            return [.startAttribution(runID: run.id ?? 0, sessions: Self.attributionSessions)]
        }
        if action.changesPrompt { rebuildPrompt(datasets: context.datasets, stored: context.snapshot?.knowledge ?? []) }
        return []
    }

    /// A key while the text field has the keyboard: Enter commits, Esc drops it.
    mutating func typeIntoInput(_ key: Key, context: ScreenContext) -> [Effect] {
        guard var current = input else { return [] }
        current.field.edit(key)
        guard !current.field.isEditing else {
            input = current
            return []
        }
        input = nil
        guard key == .enter else { return [] }
        let text = current.field.text
        switch current.purpose {
        case .edit(let entry): curation.edit(entry, text: text)
        case .add: curation.add(text, author: Self.author)
        case .saveAs:
            let name = text.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !name.contains("@") else {
                return [.notice("a set name cannot be empty or hold '@'")]
            }
            return [.saveKnowledgeSet(curation, name: name, author: Self.author)]
        }
        rebuildPrompt(datasets: context.datasets, stored: context.snapshot?.knowledge ?? [])
        return []
    }

    /// Test sessions an attribution started here covers (each costs one call per item).
    static let attributionSessions = 60
    static var author: String { ProcessInfo.processInfo.environment["USER"] ?? "analyst" }
}

extension KnowledgeScreen.CurationAction {
    var changesPrompt: Bool {
        switch self {
        case .toggle, .move: return true
        case .edit, .add, .save, .attribute: return false
        }
    }
}
