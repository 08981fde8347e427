import Foundation
import GRDB

extension Workspace {

    /// A finished step, if this work was done before.
    public func step(key: String) throws -> ExtractionStep? {
        try writer.read { try ExtractionStep.filter(ExtractionStep.Columns.key == key).fetchOne($0) }
    }

    public func steps(stage: KnowledgeFormat, domain: String, status: StepStatus = .done) throws -> [ExtractionStep] {
        try writer.read {
            try ExtractionStep.filter(
                ExtractionStep.Columns.stage == stage.rawValue && ExtractionStep.Columns.domain == domain
                    && ExtractionStep.Columns.status == status.rawValue
            )
            .order(ExtractionStep.Columns.id).fetchAll($0)
        }
    }

    /// Records a step and the items it produced in one transaction: nothing is half-written, and
    /// a failed step replaced by a later success keeps only the success.
    @discardableResult
    public func complete(_ step: ExtractionStep, items: [KnowledgeItem]) throws -> [KnowledgeItem] {
        try writer.write { db in
            try ExtractionStep.filter(ExtractionStep.Columns.key == step.key).deleteAll(db)
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
        for step in try steps(stage: .rule, domain: domain) {
            guard let session = step.sessionId, let rules = step.sessionRules else { continue }
            rates[SessionReference.key(domain: domain, session: session)] = rules.errorRate
        }
        return rates
    }

    public func knowledge(format: KnowledgeFormat? = nil, domain: String? = nil) throws -> [KnowledgeItem] {
        try writer.read { db in
            var request = KnowledgeItem.order(KnowledgeItem.Columns.id)
            if let format { request = request.filter(KnowledgeItem.Columns.format == format.rawValue) }
            if let domain { request = request.filter(KnowledgeItem.Columns.domain == domain) }
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
