import Foundation

/// Where a locally fine-tuned student lives and how it is served.
public enum FineTunedStudent {
    /// Students trained before LoRA (llama-finetune, whole model) recorded their training window as
    /// the model's context length; the base model's own (SmolLM2: 8192) still holds.
    public static let contextOverride = ["--override-kv", "llama.context_length=int:8192"]

    /// Its own llama-server, next to the local one: the shared local port + 7.
    public static func port(_ config: WorkspaceConfig) -> Int { config.local.port + 7 }

    public static func baseURL(_ config: WorkspaceConfig) -> String { "http://127.0.0.1:\(port(config))/v1" }

    /// Server settings that serve `student`'s model under its own name.
    public static func serverSettings(
        for student: StudentModelRecord, config: WorkspaceConfig
    ) -> WorkspaceConfig.LocalServer {
        var settings = config.local
        settings.replicas = 1  // one process on its own port
        settings.port = URL(string: student.baseURL)?.port ?? port(config)
        settings.modelPath = student.modelPath ?? settings.modelPath
        settings.alias = student.model
        if let adapter = student.adapterPath {
            settings.extraArguments = ["--lora", adapter]
        } else if student.modelPath != nil {
            settings.extraArguments = contextOverride
        }
        return settings
    }

    /// The name of the student an SFT sweep trains for a cell: one per domain, training prompt,
    /// sample strategy, ratio and seed. An `sft` cell's rows have no knowledge in their input
    /// (`SFTExport.PromptShape`), so for patterns and rules it is the zero-shot student of that
    /// sample, and for thoughts one trained on their rationales alone ("thoughts-plain").
    public static func sweepName(_ cell: ExperimentCell, domain: String) -> String {
        let shape = SFTExport.PromptShape(for: cell.method)
        let inWeights = shape == .plain ? cell.formats.filter { $0 == .thought } : cell.formats
        var label = FormatSet(inWeights).label
        if shape == .plain, !inWeights.isEmpty { label += "-plain" }
        if shape == .inContext, inWeights.contains(.thought) { label += "-in-context" }
        return "sft-\(domain)-\(label)-\(cell.strategy.rawValue)-\(cell.ratio)-s\(cell.seed)"
    }

    /// The folder for a student's data, training text and model: beside the workspace database.
    public static func folder(name: String, databasePath: String) -> String {
        let base = (databasePath as NSString).deletingLastPathComponent
        return (base.isEmpty ? "." : base) + "/students/\(name)"
    }
}
