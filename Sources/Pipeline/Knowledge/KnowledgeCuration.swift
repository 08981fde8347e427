import Foundation

/// An analyst's draft of a curated knowledge set: start from the teacher's items (or a saved
/// set), disable, edit, reorder or add entries; every change is recorded as provenance. Pure —
/// `Workspace.save(_:name:author:)` stores it as the next version of a named set.
public struct KnowledgeCuration: Sendable, Equatable {
    public let domain: String
    public private(set) var entries: [KnowledgeSetEntry]
    public private(set) var edits: [String] = []

    /// A draft holding `items` of `domain` as they are (rules and thoughts; patterns are mined
    /// per sample, so a set carries them only when added).
    public init(domain: String, items: [KnowledgeItem]) {
        self.domain = domain
        entries = items.filter { $0.domain == domain && $0.format != .pattern }.map { item in
            KnowledgeSetEntry(
                format: item.format, text: item.text, origin: item.id,
                provenance: "\(item.format.rawValue) \(item.id ?? 0)", session: item.sessionList.first)
        }
    }

    /// A draft continuing a saved set (its entries and history).
    public init(continuing set: KnowledgeSetRecord) {
        domain = set.domain
        entries = set.entryList
        edits = set.editList
    }

    public var isEdited: Bool { !edits.isEmpty }

    /// The enabled entries as the student's knowledge: rules in order, thoughts by session.
    public static func context(_ entries: [KnowledgeSetEntry], formats: Set<KnowledgeFormat>) -> KnowledgeContext {
        var context = KnowledgeContext()
        for entry in entries where entry.enabled && formats.contains(entry.format) {
            switch entry.format {
            case .pattern: context.patterns.append(entry.text)
            case .rule: context.rules.append(entry.text)
            case .thought: if let session = entry.session { context.thoughts[session] = entry.text }
            }
        }
        return context
    }

    /// How the edits name an entry: its teacher item ("rule 7"), or an added one by its text.
    func name(_ index: Int) -> String {
        let entry = entries[index]
        return entry.origin.map { "\(entry.format.rawValue) \($0)" }
            ?? "added \(entry.format.rawValue) “\(entry.text.prefix(24))”"
    }

    public mutating func toggle(_ index: Int) {
        guard entries.indices.contains(index) else { return }
        entries[index].enabled.toggle()
        edits.append("\(entries[index].enabled ? "enabled" : "disabled") \(name(index))")
    }

    public mutating func edit(_ index: Int, text: String) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard entries.indices.contains(index), !text.isEmpty, text != entries[index].text else { return }
        let was = name(index)
        entries[index].text = text
        if entries[index].origin != nil { entries[index].provenance = "edited from " + was }
        edits.append("edited \(was)")
    }

    /// Moves an entry by `delta` places (within the list's bounds).
    public mutating func move(_ index: Int, by delta: Int) {
        let target = min(max(0, index + delta), entries.count - 1)
        guard entries.indices.contains(index), target != index else { return }
        let moved = name(index)
        entries.insert(entries.remove(at: index), at: target)
        edits.append("moved \(moved) to position \(target + 1)")
    }

    /// Disables a mined pattern line (an entry is made for it the first time), or enables it again.
    public mutating func togglePattern(_ line: String) {
        if let index = entries.firstIndex(where: { $0.format == .pattern && $0.text == line }) {
            entries[index].enabled.toggle()
            edits.append("\(entries[index].enabled ? "enabled" : "disabled") pattern “\(line.prefix(24))”")
            return
        }
        entries.append(
            KnowledgeSetEntry(format: .pattern, text: line, enabled: false, origin: nil, provenance: "mined pattern"))
        edits.append("disabled pattern “\(line.prefix(24))”")
    }

    /// Whether `line` is a mined pattern the draft leaves out.
    public func isDisabledPattern(_ line: String) -> Bool {
        entries.contains { $0.format == .pattern && $0.text == line && !$0.enabled }
    }

    public mutating func add(_ text: String, format: KnowledgeFormat = .rule, author: String) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return }
        entries.append(KnowledgeSetEntry(format: format, text: text, origin: nil, provenance: "added by \(author)"))
        edits.append("added a \(format.rawValue) at position \(entries.count)")
    }
}

extension KnowledgeContext {
    /// This context with each of `formats` that `entries` hold replaced by their enabled entries:
    /// what a cell using a curated set (or the Knowledge screen's draft) puts in the prompt.
    public func curated(by entries: [KnowledgeSetEntry], formats: Set<KnowledgeFormat>) -> KnowledgeContext {
        let held = Set(entries.map(\.format)).intersection(formats)
        let chosen = KnowledgeCuration.context(entries, formats: held)
        var context = self
        if held.contains(.pattern) {
            // Patterns are mined per sample: a set drops the lines it disabled and adds its own.
            let off = Set(entries.filter { $0.format == .pattern && !$0.enabled }.map(\.text))
            context.patterns =
                context.patterns.filter { !off.contains($0) } + chosen.patterns.filter { !context.patterns.contains($0) }
        }
        if held.contains(.rule) { context.rules = chosen.rules }
        if held.contains(.thought) { context.thoughts = chosen.thoughts }
        return context
    }
}
