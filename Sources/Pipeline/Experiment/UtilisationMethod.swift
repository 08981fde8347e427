/// How the student uses the distilled knowledge (the paper's RQ3).
public enum UtilisationMethod: String, CaseIterable, Codable, Hashable, Sendable {
    case icl
    case sft
    case iclSFT = "icl+sft"

    /// sft and icl+sft need a fine-tuned student.
    public var needsFineTunedStudent: Bool { self != .icl }
}
