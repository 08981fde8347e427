import Foundation

/// One cell of the paper's grid: knowledge format × quantity (strategy, ratio) × utilisation.
public struct ExperimentCell: Hashable, Sendable {
    public var formats: Set<KnowledgeFormat>
    public var strategy: SamplingStrategy
    public var ratio: Double
    public var method: UtilisationMethod
    public var seed: UInt64

    public init(formats: Set<KnowledgeFormat>, strategy: SamplingStrategy = .random, ratio: Double = 0.1,
                method: UtilisationMethod = .icl, seed: UInt64 = 42) {
        self.formats = formats
        self.strategy = strategy
        self.ratio = ratio
        self.method = method
        self.seed = seed
    }

    /// "none" for zero-shot, else the formats in paper order joined by "+".
    public var formatLabel: String {
        formats.isEmpty ? "none" : KnowledgeFormat.allCases.filter(formats.contains).map(\.stageName).joined(separator: "+")
    }

    /// Parses "none", "patterns", "rules", "thoughts", "all" or "patterns+rules".
    public static func formats(_ label: String) -> Set<KnowledgeFormat>? {
        switch label {
        case "none": return []
        case "all": return Set(KnowledgeFormat.allCases)
        default:
            let parts = label.split(separator: "+").map { KnowledgeFormat(stageName: String($0)) }
            return parts.contains(nil) ? nil : Set(parts.compactMap { $0 })
        }
    }
}

/// Progress of a grid, for the CLI's progress bar.
public enum ExperimentEvent: Sendable {
    case cellStarted(ExperimentCell, index: Int, of: Int)
    case extraction(ExtractionEvent)
    case sessionDone(done: Int, of: Int)
    case cellFinished(RunRecord, resumed: Bool)
}
