import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd knowledge list|show|export`.
struct KnowledgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "knowledge", abstract: "Browse and export the distilled knowledge.",
        subcommands: [
            KnowledgeListCommand.self, KnowledgeShowCommand.self, KnowledgeExportCommand.self,
            KnowledgeCurateCommand.self, KnowledgeSetsCommand.self,
        ])
}

extension KnowledgeFormat: ExpressibleByArgument {}

struct KnowledgeListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "One line per knowledge item.")
    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "Only this format: pattern, rule or thought.") var format: KnowledgeFormat?
    @Option(help: "Only this domain.") var domain: String?

    func run() throws {
        try reportingFailures {
            let items = try workspace.openExistingWorkspace(try workspace.loadConfig()).knowledge(
                format: format, domain: domain)
            let rows = items.map { item in
                [
                    "\(item.id ?? 0)", item.format.rawValue, item.domain, "\(item.sessionList.count)",
                    "\(item.promptTokens + item.completionTokens)",
                    String(item.text.replacingOccurrences(of: "\n", with: " ").prefix(70)),
                ]
            }
            print(
                TextTable.render(
                    headers: ["id", "format", "domain", "sessions", "tokens", "text"], rows: rows,
                    leftAligned: [1, 2, 5]))
        }
    }
}

struct KnowledgeShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One item in full, with its provenance.")
    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "The item id from 'knowledge list'.") var id: Int64

    func run() throws {
        try reportingFailures {
            let config = try workspace.loadConfig()
            guard let item = try workspace.openExistingWorkspace(config).knowledgeItem(id: id) else {
                throw DataError(file: workspace.databasePath(config), field: "ID", "no knowledge item \(id)")
            }
            print(KnowledgeExport.markdown([item]))
        }
    }
}

struct KnowledgeExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "All items as Markdown or JSON.")
    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "md or json.") var format: String = "md"
    @Option(help: "Only this knowledge format.") var kind: KnowledgeFormat?
    @Option(
        name: .customLong("run"), parsing: .unconditional,
        help: "Add each item's measured effect in this run's attribution (default: the latest attributed run).")
    var runID: Int64?
    @OptionGroup var source: DataOptions

    func validate() throws {
        guard ["md", "json"].contains(format) else { throw ValidationError("--format must be md or json") }
    }

    func run() throws {
        try reportingFailures {
            let store = try workspace.openExistingWorkspace(try workspace.loadConfig())
            let items = try store.knowledge(format: kind)
            guard format == "md" else { return print(KnowledgeExport.json(items)) }
            print(KnowledgeExport.markdown(items, attribution: try attribution(store)))
        }
    }

    /// The attribution of `--run`, or of the latest run that has one; nil when none was measured.
    func attribution(_ store: Workspace) throws -> AttributionReport? {
        let runs = try store.runs().reversed()
        let chosen: RunRecord?
        if let runID {
            guard let found = runs.first(where: { $0.id == runID }) else {
                throw DataError(file: "--run", field: "run", "no run \(runID) in \(store.path ?? "the workspace")")
            }
            chosen = found
        } else {
            let attributed = try store.attributedRunIDs()
            chosen = runs.first { $0.id.map(attributed.contains) ?? false }
        }
        guard let chosen else { return nil }
        var data = source
        data.domain = chosen.domain
        guard let dataset = try data.loadPrepared().first else { return nil }
        return try AttributionReport.build(workspace: store, run: chosen, dataset: dataset, mode: .paper)
    }
}

enum KnowledgeExport {
    static func markdown(_ items: [KnowledgeItem], attribution: AttributionReport? = nil) -> String {
        let preface =
            attribution.map {
                "Effects: attribution by ablation of run \($0.run.id ?? 0) (\($0.run.label)), \($0.mode.rawValue) mode; "
                    + "Δ = with the item − without it, 95% paired bootstrap CI.\n\n"
            } ?? ""
        let table = attribution.map { "\n\n" + $0.markdown(items: items) } ?? ""
        return preface
            + items.map { item in
                var lines = ["## \(item.format.rawValue) \(item.id ?? 0) · \(item.domain)", "", item.text, ""]
                if let effect = attribution?.effect(of: KnowledgePiece(format: item.format, text: item.text)) {
                    lines.append(
                        "- effect: \(effect.summary) over \(effect.sessions) sessions (unchanged \(effect.unchanged)) · "
                            + "Δrecall \(KnowledgeEffect.signed(effect.recall.mean)) · "
                            + "Δcoverage \(KnowledgeEffect.signed(effect.coverage.mean)) · "
                            + "Δintent ROUGE-L \(KnowledgeEffect.signed(effect.intent.mean)) (\(effect.intentSessions) sessions)"
                    )
                }
                if !item.sessionList.isEmpty { lines.append("- sessions: \(item.sessionList.joined(separator: ", "))") }
                if !item.errorList.isEmpty { lines.append("- from errors: \(item.errorList.joined(separator: ", "))") }
                lines.append("- teacher: \(item.teacherModel) · template \(item.templateHash.prefix(12))")
                lines.append(
                    "- calls: \(item.callList.map(String.init).joined(separator: ", ").nonEmpty ?? "none") · tokens \(item.promptTokens)+\(item.completionTokens) · cost \(item.cost)"
                )
                return lines.joined(separator: "\n")
            }.joined(separator: "\n\n") + table
    }

    /// A curated set with its provenance: each entry's origin and state, then the edits.
    static func markdown(set: KnowledgeSetRecord) -> String {
        var lines = [
            "## knowledge set \(set.reference) · \(set.domain) · by \(set.author)", "",
        ]
        for (index, entry) in set.entryList.enumerated() {
            lines.append(
                "- [\(index + 1)] \(entry.enabled ? "" : "~~")\(entry.text.collapsedWhitespace)\(entry.enabled ? "" : "~~")"
                    + " — \(entry.format.rawValue), \(entry.provenance)\(entry.enabled ? "" : ", disabled")")
        }
        if !set.editList.isEmpty { lines += ["", "Edits: " + set.editList.joined(separator: "; ")] }
        return lines.joined(separator: "\n")
    }

    static func json(_ items: [KnowledgeItem]) -> String {
        let objects = items.map { item -> [String: Any] in
            [
                "id": item.id ?? 0, "format": item.format.rawValue, "domain": item.domain, "text": item.text,
                "sessions": item.sessionList,
                "errors": item.errorList, "teacherModel": item.teacherModel, "templateHash": item.templateHash,
                "callIds": item.callList,
                "promptTokens": item.promptTokens, "completionTokens": item.completionTokens, "cost": item.cost,
            ]
        }
        let data = try! JSONSerialization.data(
            withJSONObject: objects, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
