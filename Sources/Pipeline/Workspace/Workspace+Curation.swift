import Foundation
import GRDB

extension Workspace {

    // MARK: curated knowledge sets

    /// Stores `draft` as the next version of the set `name` (version 1 for a new name).
    @discardableResult
    public func save(_ draft: KnowledgeCuration, name: String, author: String) throws -> KnowledgeSetRecord {
        try writer.write { db in
            let last =
                try Int.fetchOne(
                    db,
                    KnowledgeSetRecord.filter(KnowledgeSetRecord.Columns.name == name)
                        .select(max(KnowledgeSetRecord.Columns.version))) ?? 0
            var record = KnowledgeSetRecord(
                id: nil, name: name, version: last + 1, createdAt: Date(), author: author, domain: draft.domain,
                entries: KnowledgeItem.json(draft.entries), edits: KnowledgeItem.json(draft.edits))
            try record.insert(db)
            return record
        }
    }

    /// The set `reference` names: "name@3", or "name" for its latest version.
    public func knowledgeSet(_ reference: String) throws -> KnowledgeSetRecord? {
        let parts = reference.split(separator: "@", maxSplits: 1).map(String.init)
        return try writer.read { db in
            var request = KnowledgeSetRecord.filter(KnowledgeSetRecord.Columns.name == parts[0])
            if parts.count == 2 {
                guard let version = Int(parts[1]) else { return nil }
                request = request.filter(KnowledgeSetRecord.Columns.version == version)
            }
            return try request.order(KnowledgeSetRecord.Columns.version.desc).fetchOne(db)
        }
    }

    /// The set `reference` names, or the one-line error that there is none.
    public func requireKnowledgeSet(_ reference: String) throws -> KnowledgeSetRecord {
        guard let set = try knowledgeSet(reference) else {
            throw DataError(
                file: path ?? "the workspace", field: "knowledge set",
                "no knowledge set '\(reference)' (see 'bundlekd knowledge sets')")
        }
        return set
    }

    public func knowledgeSets() throws -> [KnowledgeSetRecord] {
        try writer.read {
            try KnowledgeSetRecord.order(KnowledgeSetRecord.Columns.name, KnowledgeSetRecord.Columns.version)
                .fetchAll($0)
        }
    }

    // MARK: attribution by ablation

    /// Stores one ablated answer (a rerun of the same run, unit and session replaces it).
    public func store(_ ablation: AblationRecord) throws {
        try writer.write { db in
            try AblationRecord.filter(
                AblationRecord.Columns.runId == ablation.runId && Column("unit") == ablation.unit
                    && Column("sessionId") == ablation.sessionId
            ).deleteAll(db)
            var row = ablation
            try row.insert(db)
        }
    }

    /// The runs with at least one ablated answer: one query, not every run's ablations fetched.
    public func attributedRunIDs() throws -> Set<Int64> {
        try writer.read { Set(try Int64.fetchAll($0, AblationRecord.select(AblationRecord.Columns.runId).distinct())) }
    }

    public func ablations(run id: Int64) throws -> [AblationRecord] {
        try writer.read {
            try AblationRecord.filter(AblationRecord.Columns.runId == id).order(AblationRecord.Columns.id).fetchAll($0)
        }
    }
}
