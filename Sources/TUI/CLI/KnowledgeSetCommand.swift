import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd knowledge curate`: a named, versioned set edited from the teacher's knowledge (or
/// from the set's latest version), for cells (`--knowledge NAME`). The teacher's items stay.
struct KnowledgeCurateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curate", abstract: "Save a curated knowledge set: disable, edit, move or add rules.",
        discussion: """
            Items are named by their id in 'bundlekd knowledge list'. Each save is the set's next version, \
            with its edits and author recorded; a cell uses it with --knowledge NAME (or NAME@VERSION).
            """)
    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "The set's name.") var name: String
    @Option(help: "The domain whose teacher items a new set starts from.") var domain: String?
    @Option(help: "Disable the entry of this item id (repeatable).") var disable: [Int64] = []
    @Option(help: "Replace an entry's text: ID=TEXT (repeatable).") var edit: [String] = []
    @Option(help: "Move an entry: ID:POSITION, 1-based (repeatable).") var move: [String] = []
    @Option(help: "Add a rule with this text at the end (repeatable).") var add: [String] = []
    @Option(help: "Who made the edits (default: $USER).") var author: String?

    func validate() throws {
        guard !name.isEmpty, !name.contains("@") else {
            throw ValidationError("a set name cannot be empty or hold '@'")
        }
    }

    func run() throws {
        try reportingFailures {
            let store = try workspace.openWorkspace(try workspace.loadConfig())
            var draft: KnowledgeCuration
            if let previous = try store.knowledgeSet(name) {
                draft = KnowledgeCuration(continuing: previous)
            } else {
                guard let domain else {
                    throw DataError(
                        file: "--domain", field: "domain", "a new set needs --domain (no set '\(name)' yet)")
                }
                draft = KnowledgeCuration(domain: domain, items: try store.knowledge(domain: domain))
                guard !draft.entries.isEmpty else {
                    throw DataError(file: "--domain", field: "domain", "no rules or thoughts in domain '\(domain)'")
                }
            }
            func index(_ id: Int64, _ option: String) throws -> Int {
                guard let index = draft.entries.firstIndex(where: { $0.origin == id }) else {
                    throw DataError(file: option, field: "ID", "no entry from item \(id) in set '\(name)'")
                }
                return index
            }
            let who = author ?? ProcessInfo.processInfo.environment["USER"] ?? "analyst"
            for id in disable { draft.toggle(try index(id, "--disable")) }
            for pair in edit {
                guard let equals = pair.firstIndex(of: "="), let id = Int64(pair[..<equals]) else {
                    throw DataError(file: "--edit", field: pair, "expected ID=TEXT")
                }
                draft.edit(try index(id, "--edit"), text: String(pair[pair.index(after: equals)...]))
            }
            for pair in move {
                let parts = pair.split(separator: ":")
                guard parts.count == 2, let id = Int64(parts[0]), let position = Int(parts[1]), position >= 1 else {
                    throw DataError(file: "--move", field: pair, "expected ID:POSITION")
                }
                let from = try index(id, "--move")
                draft.move(from, by: position - 1 - from)
            }
            for text in add { draft.add(text, author: who) }
            let saved = try store.save(draft, name: name, author: who)
            print(KnowledgeExport.markdown(set: saved))
        }
    }
}

/// `bundlekd knowledge sets`: every saved version, or one set in full.
struct KnowledgeSetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sets", abstract: "List curated knowledge sets, or show one (NAME or NAME@VERSION).")
    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "A set to show in full.") var reference: String?

    func run() throws {
        try reportingFailures {
            let store = try workspace.openExistingWorkspace(try workspace.loadConfig())
            if let reference {
                return print(KnowledgeExport.markdown(set: try store.requireKnowledgeSet(reference)))
            }
            let rows = try store.knowledgeSets().map { set in
                let entries = set.entryList
                return [
                    set.reference, set.domain, set.author, "\(entries.filter(\.enabled).count)/\(entries.count)",
                    "\(set.editList.count)",
                ]
            }
            print(
                TextTable.render(
                    headers: ["set", "domain", "author", "enabled", "edits"], rows: rows, leftAligned: [0, 1, 2]))
        }
    }
}
