/// How a test session is answered: the student using the distilled knowledge (the paper's
/// RQ3: icl, sft, icl+sft), the references it is compared with — the teacher zero-shot
/// (`teacher`, the "larger model" row) and the teacher with the AICL pipeline (`aicl`, the
/// expensive baseline knowledge distillation wants to replace) — and the no-model baselines
/// that say what chance and a one-line heuristic score on the same sessions.
public enum UtilisationMethod: String, CaseIterable, Codable, Hashable, Sendable {
    case icl
    case sft
    case iclSFT = "icl+sft"
    case teacher
    case aicl
    case random
    case firstPair = "first-pair"
    case sameCategory = "same-category"
    case minedPairs = "mined-pairs"

    /// The rule of a no-model baseline (nil for the methods that ask a model).
    public var baseline: BaselineRule? { BaselineRule(rawValue: rawValue) }

    /// No model answers: the predictions come from a rule.
    public var isBaseline: Bool { baseline != nil }

    /// sft and icl+sft need a fine-tuned student.
    public var needsFineTunedStudent: Bool { self == .sft || self == .iclSFT }

    /// Who answers the test session (the baselines ask nobody; their runs name no model).
    public var answeringRole: LLMRole { self == .teacher || self == .aicl ? .teacher : .student }

    /// True when the cell's distilled knowledge goes into the prompt (sft has it in its weights;
    /// the teacher rows and the baselines use none).
    public var takesKnowledgeInPrompt: Bool { self == .icl || self == .iclSFT }

    /// The teacher rows answer without distilled knowledge, so they form one cell whatever the formats.
    public var isTeacherReference: Bool { self == .teacher || self == .aicl }

    /// One cell per test set whatever the formats and quantity: the teacher rows and the
    /// baselines that read no sample.
    public var isSampleFree: Bool { isTeacherReference || (baseline.map { !$0.usesSample } ?? false) }

    /// The model-free methods the grid adds to every test set it runs, so every table has them.
    public static let sampleFreeBaselines: [UtilisationMethod] = [.random, .firstPair, .sameCategory]

    /// What a baseline run stores as its model.
    public static let noModel = "no model"
}
