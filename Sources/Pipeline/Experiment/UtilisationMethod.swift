/// How a test session is answered: the student using the distilled knowledge (the paper's
/// RQ3: icl, sft, icl+sft), or the references it is compared with — the teacher zero-shot
/// (`teacher`, the "larger model" row) and the teacher with the AICL pipeline (`aicl`, the
/// expensive baseline knowledge distillation wants to replace).
public enum UtilisationMethod: String, CaseIterable, Codable, Hashable, Sendable {
    case icl
    case sft
    case iclSFT = "icl+sft"
    case teacher
    case aicl

    /// sft and icl+sft need a fine-tuned student.
    public var needsFineTunedStudent: Bool { self == .sft || self == .iclSFT }

    /// Who answers the test session.
    public var answeringRole: LLMRole { self == .teacher || self == .aicl ? .teacher : .student }

    /// True when the cell's distilled knowledge goes into the prompt (sft has it in its weights;
    /// the teacher rows use none).
    public var takesKnowledgeInPrompt: Bool { self == .icl || self == .iclSFT }

    /// The teacher rows answer without distilled knowledge, so they form one cell whatever the formats.
    public var isTeacherReference: Bool { answeringRole == .teacher }
}
