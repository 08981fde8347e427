import Foundation
import GRDB

extension Workspace {

    public func run(key: String) throws -> RunRecord? {
        try writer.read { try RunRecord.filter(RunRecord.Columns.key == key).fetchOne($0) }
    }

    /// Stores a finished run and its predictions together (a rerun of the same key replaces it).
    @discardableResult
    public func store(_ run: RunRecord, predictions: [PredictionRecord]) throws -> RunRecord {
        try writer.write { db in
            try RunRecord.filter(RunRecord.Columns.key == run.key).deleteAll(db)
            var stored = run
            try stored.insert(db)
            for prediction in predictions {
                var row = prediction
                row.runId = stored.id!
                try row.insert(db)
            }
            return stored
        }
    }

    public func runs() throws -> [RunRecord] {
        try writer.read { try RunRecord.order(RunRecord.Columns.id).fetchAll($0) }
    }

    public func predictions(run id: Int64) throws -> [PredictionRecord] {
        try writer.read {
            try PredictionRecord.filter(PredictionRecord.Columns.runId == id).order(PredictionRecord.Columns.id)
                .fetchAll($0)
        }
    }
}
