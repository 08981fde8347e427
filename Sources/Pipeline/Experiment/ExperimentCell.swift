import Foundation

/// One cell of the paper's grid: knowledge format × quantity (strategy, ratio) × utilisation.
public struct ExperimentCell: Hashable, Sendable {
    public var formats: Set<KnowledgeFormat>
    public var strategy: SamplingStrategy
    public var ratio: Double
    public var method: UtilisationMethod
    public var seed: UInt64
    /// The domains whose samples the knowledge is pooled from (the paper's multi-domain
    /// accumulation, RQ2); nil: the test domain's alone.
    public var knowledgeDomains: [String]?
    /// A curated knowledge set ("name@version") whose entries replace the teacher's items of
    /// the formats it holds; nil: the teacher's knowledge as distilled.
    public var knowledgeSet: String?
    /// Which replicate of the cell this is (0: the first): a later round asks the model afresh
    /// (the round enters the call cache key), so the spread of repeated runs can be measured.
    public var round: Int = 0
    /// How the student prompt says to answer (see `FormatLine`).
    public var formatLine = FormatLine.standard

    public init(
        formats: Set<KnowledgeFormat>, strategy: SamplingStrategy = .random, ratio: Double = 0.1,
        method: UtilisationMethod = .icl, seed: UInt64 = 42, knowledgeDomains: [String]? = nil,
        knowledgeSet: String? = nil, round: Int = 0, formatLine: FormatLine = .standard
    ) {
        self.round = round
        self.formatLine = formatLine
        self.knowledgeSet = knowledgeSet
        self.formats = formats
        self.strategy = strategy
        self.ratio = ratio
        self.method = method
        self.seed = seed
        self.knowledgeDomains = knowledgeDomains
    }

    /// "none" for zero-shot, else the formats in paper order joined by "+".
    public var formatLabel: String { FormatSet(formats).label }

    /// Parses "none", "patterns", "rules", "thoughts", "all" or "patterns+rules".
    public static func formats(_ label: String) -> Set<KnowledgeFormat>? { FormatSet(label: label)?.formats }

    /// The training sessions the cell's knowledge comes from. `difficulty` means the teacher's
    /// stage-2 error rate where the workspace knows it (as in `extract`), on every path.
    public func sample(_ dataset: Dataset, workspace: Workspace) throws -> [SessionReference] {
        KnowledgeSelection.sample(
            dataset, strategy: strategy, ratio: ratio, seed: seed,
            difficulty: strategy == .difficulty ? try workspace.teacherErrorRates(domain: dataset.domain) : [:])
    }

    /// The cell `rounds` times, rounds 0..<rounds, in that order (the grid's `--repeats`).
    public func replicated(_ rounds: Int) -> [ExperimentCell] {
        (0..<max(1, rounds)).map { round in
            var cell = self
            cell.round = round
            return cell
        }
    }
}

/// The knowledge formats of a cell, written as one label: "none" for zero-shot, else the
/// formats in paper order joined by "+" ("patterns+rules"); "all" is read too. Stored and
/// shown as that label.
public struct FormatSet: Hashable, Sendable, Codable, Comparable {
    public static let zeroShotLabel = "none"
    public var formats: Set<KnowledgeFormat>

    public init(_ formats: Set<KnowledgeFormat>) { self.formats = formats }

    public init?(label: String) {
        switch label {
        case Self.zeroShotLabel: formats = []
        case "all": formats = Set(KnowledgeFormat.allCases)
        default:
            let parts = label.split(separator: "+").map { KnowledgeFormat(stageName: String($0)) }
            guard !parts.isEmpty, !parts.contains(nil) else { return nil }
            formats = Set(parts.compactMap { $0 })
        }
    }

    public var label: String {
        formats.isEmpty
            ? Self.zeroShotLabel
            : KnowledgeFormat.allCases.filter(formats.contains).map(\.stageName).joined(separator: "+")
    }

    public var isEmpty: Bool { formats.isEmpty }

    /// Zero-shot first, then by label.
    public static func < (a: FormatSet, b: FormatSet) -> Bool {
        (a.isEmpty ? "" : a.label) < (b.isEmpty ? "" : b.label)
    }

    public init(from decoder: Decoder) throws {
        let label = try decoder.singleValueContainer().decode(String.self)
        guard let set = FormatSet(label: label) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "unknown formats '\(label)'"))
        }
        self = set
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(label)
    }
}

/// Progress of a grid, for the CLI's progress bar.
public enum ExperimentEvent: Sendable {
    case cellStarted(ExperimentCell, index: Int, of: Int)
    case extraction(ExtractionEvent)
    case sessionDone(done: Int, of: Int)
    case cellFinished(RunRecord, resumed: Bool)
    /// An sft or icl+sft cell without a given student is training its own (see `ExperimentGrid`).
    case training(student: String, LoRAEvent)
}
