import Foundation
import GRDB

extension Workspace {
    static func registerKnowledgeMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2: knowledge, extraction steps, samples") { db in
            try db.create(table: "knowledgeItem") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("createdAt", .datetime).notNull()
                t.column("format", .text).notNull()
                t.column("domain", .text).notNull()
                t.column("text", .text).notNull()
                t.column("sessions", .text).notNull()
                t.column("errors", .text).notNull()
                t.column("teacherModel", .text).notNull()
                t.column("templateHash", .text).notNull()
                t.column("callIds", .text).notNull()
                t.column("promptTokens", .integer).notNull()
                t.column("completionTokens", .integer).notNull()
                t.column("cost", .double).notNull()
            }
            try db.create(table: "extractionStep") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("key", .text).notNull().unique()
                t.column("createdAt", .datetime).notNull()
                t.column("stage", .text).notNull()
                t.column("domain", .text).notNull()
                t.column("sessionId", .text)
                t.column("status", .text).notNull()
                t.column("output", .text)
                t.column("rawText", .text)
                t.column("reason", .text)
                t.column("callIds", .text).notNull()
            }
            try db.create(table: "sample") { t in
                t.primaryKey("name", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("strategy", .text).notNull()
                t.column("ratio", .double).notNull()
                t.column("seed", .integer).notNull()
                t.column("domains", .text).notNull()
                t.column("sessions", .text).notNull()
            }
        }
    }

    /// A finished step, if this work was done before.
    public func step(key: String) throws -> ExtractionStep? {
        try writer.read { try ExtractionStep.filter(Column("key") == key).fetchOne($0) }
    }

    public func steps(stage: String, domain: String, status: String = "done") throws -> [ExtractionStep] {
        try writer.read {
            try ExtractionStep.filter(Column("stage") == stage && Column("domain") == domain && Column("status") == status)
                .order(Column("id")).fetchAll($0)
        }
    }

    /// Records a step and the items it produced in one transaction: nothing is half-written, and
    /// a failed step replaced by a later success keeps only the success.
    @discardableResult
    public func complete(_ step: ExtractionStep, items: [KnowledgeItem]) throws -> [KnowledgeItem] {
        try writer.write { db in
            try ExtractionStep.filter(Column("key") == step.key).deleteAll(db)
            var stored = step
            try stored.insert(db)
            return try items.map { item in
                var item = item
                try item.insert(db)
                return item
            }
        }
    }

    /// The teacher's stage-2 error rate per "domain/session" from the finished rule steps: the
    /// difficulty signal for sampling.
    public func teacherErrorRates(domain: String) throws -> [String: Double] {
        var rates: [String: Double] = [:]
        for step in try steps(stage: "rule", domain: domain) {
            guard let session = step.sessionId, let rules = step.sessionRules else { continue }
            rates["\(domain)/\(session)"] = rules.errorRate
        }
        return rates
    }

    public func knowledge(format: KnowledgeFormat? = nil, domain: String? = nil) throws -> [KnowledgeItem] {
        try writer.read { db in
            var request = KnowledgeItem.order(Column("id"))
            if let format { request = request.filter(Column("format") == format.rawValue) }
            if let domain { request = request.filter(Column("domain") == domain) }
            return try request.fetchAll(db)
        }
    }

    public func knowledgeItem(id: Int64) throws -> KnowledgeItem? {
        try writer.read { try KnowledgeItem.fetchOne($0, key: id) }
    }

    public func save(_ sample: SampleRecord) throws {
        try writer.write { try sample.save($0) }
    }

    public func sample(named name: String) throws -> SampleRecord? {
        try writer.read { try SampleRecord.fetchOne($0, key: name) }
    }
}
