import Foundation
import GRDB

/// A fine-tuned student made by a configured trainer, usable as the student of sft and icl+sft cells.
public struct StudentModelRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "studentModel"
    public var name: String
    public var createdAt: Date
    public var sample: String
    public var knowledge: String

    /// Trained on thoughts: its targets are "Reasoning: … Answer: {…}", which a JSON grammar forbids.
    public var reasonsFirst: Bool { knowledge == KnowledgeFormat.thought.stageName }
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
    /// A LoRA adapter (GGUF) served on top of `modelPath`, the unchanged base model.
    public var adapterPath: String?

    public init(
        name: String, createdAt: Date, sample: String, knowledge: String, baseURL: String, model: String,
        command: String, outputDir: String, modelPath: String? = nil, trainingConfig: String? = nil,
        lossCurve: String? = nil, adapterPath: String? = nil
    ) {
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
        self.adapterPath = adapterPath
    }
}

extension StudentModelRecord {
    /// What training this student cost, from its stored training JSON (nil: trained elsewhere).
    public struct Training: Decodable, Sendable {
        public let wallSeconds: Double
        public let peakMemoryBytes: Int64
    }

    public var training: Training? {
        trainingConfig.flatMap { try? JSONDecoder().decode(Training.self, from: Data($0.utf8)) }
    }
}
