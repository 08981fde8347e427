import Foundation
import GRDB

/// A fine-tuned student made by a configured trainer, usable as the student of sft and icl+sft cells.
public struct StudentModelRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "studentModel"
    public var name: String
    public var createdAt: Date
    public var sample: String
    public var knowledge: String
    /// Where the fine-tuned model is served (OpenAI-compatible) and under which model name.
    public var baseURL: String
    public var model: String
    public var command: String
    public var outputDir: String
    /// A model this workbench trained and serves itself (nil for an external trainer's model).
    public var modelPath: String?
    /// The training settings and the result (loss curve, time, memory), as JSON.
    public var trainingConfig: String?
    public var lossCurve: String?

    public init(name: String, createdAt: Date, sample: String, knowledge: String, baseURL: String, model: String,
                command: String, outputDir: String, modelPath: String? = nil, trainingConfig: String? = nil, lossCurve: String? = nil) {
        self.name = name
        self.createdAt = createdAt
        self.sample = sample
        self.knowledge = knowledge
        self.baseURL = baseURL
        self.model = model
        self.command = command
        self.outputDir = outputDir
        self.modelPath = modelPath
        self.trainingConfig = trainingConfig
        self.lossCurve = lossCurve
    }
}

/// Runs the configured trainer command on exported SFT data. The command is a template with
/// `{data_dir}`, `{dataset}` (the LLaMA-Factory dataset name), `{openai_file}`, `{output_dir}` and
/// `{name}`; e.g. a LLaMA-Factory LoRA run, or a script that uploads to a fine-tuning API.
public enum Trainer {
    public static func render(_ template: String, values: [String: String]) -> String {
        values.reduce(template) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }

    /// Runs `command` with /bin/sh, its output passed through; returns the exit status.
    public static func run(_ command: String) throws -> Int32 {
        try ChildProcess.spawn("/bin/sh", ["-c", command], environment: ChildEnvironment.openMP,
                               stdout: 1, stderr: 2).waitUntilExit()
    }
}

extension Workspace {
    static func registerStudentMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4: fine-tuned students") { db in
            try db.create(table: "studentModel") { t in
                t.primaryKey("name", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("sample", .text).notNull()
                t.column("knowledge", .text).notNull()
                t.column("baseURL", .text).notNull()
                t.column("model", .text).notNull()
                t.column("command", .text).notNull()
                t.column("outputDir", .text).notNull()
            }
        }
    }

    static func registerLocalTrainingMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5: locally trained students") { db in
            try db.alter(table: "studentModel") { t in
                t.add(column: "modelPath", .text)
                t.add(column: "trainingConfig", .text)
                t.add(column: "lossCurve", .text)
            }
        }
    }

    public func register(_ student: StudentModelRecord) throws {
        try writer.write { try student.save($0) }
    }

    public func student(named name: String) throws -> StudentModelRecord? {
        try writer.read { try StudentModelRecord.fetchOne($0, key: name) }
    }
}
