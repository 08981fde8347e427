import Foundation
import GRDB

/// One experiment cell: what was run and what it cost.
public struct RunRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "run"
    public var id: Int64?
    public var key: String
    public var createdAt: Date
    public var domain: String
    public var student: String
    /// Formats used; stored as "none" for zero-shot, else e.g. "patterns+rules".
    public var formats: FormatSet
    public var strategy: SamplingStrategy
    public var ratio: Double
    public var method: UtilisationMethod
    public var seed: Int64
    public var sessions: Int
    public var studentPromptTokens: Int
    public var studentCompletionTokens: Int
    public var teacherTokens: Int
    public var seconds: Double
    public var status: RunStatus
    /// Seconds the teacher spent extracting the knowledge this run used (from the call log).
    public var teacherSeconds: Double? = nil
    /// The answering model's file size and its server's peak resident memory, when known.
    public var modelBytes: Int64? = nil
    public var peakResidentBytes: Int64? = nil
    /// The domains the knowledge was pooled from, comma-separated; nil: the run's own domain.
    public var knowledgeDomains: String? = nil
    /// The curated knowledge set the cell used ("name@version"); nil: the teacher's knowledge.
    public var knowledgeSet: String? = nil
    /// The test session set when it is not all or the first N (`TestSessions.label`).
    public var testSet: String? = nil
    /// The replicate of the cell (0: the first; see `ExperimentCell.round`).
    public var round: Int = 0
    /// The student prompt's format line (see `FormatLine`).
    public var formatLine = FormatLine.standard
    /// Prompts rebuilt shorter to fit the server's slot (see `Answerer.answer`).
    public var shortenedPrompts = 0

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let key = Column(CodingKeys.key)
        public static let status = Column(CodingKeys.status)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The cell this run answered.
    public var cell: ExperimentCell {
        ExperimentCell(
            formats: formats.formats, strategy: strategy, ratio: ratio, method: method, seed: UInt64(bitPattern: seed),
            knowledgeDomains: knowledgeDomains?.split(separator: ",").map(String.init), knowledgeSet: knowledgeSet,
            round: round, formatLine: formatLine)
    }

    /// No model answered: a rule of `BaselineRule`.
    public var isBaseline: Bool { method.isBaseline }

    /// Two runs answered the same test sessions: same domain, count and named set.
    public func sharesTests(with other: RunRecord) -> Bool {
        domain == other.domain && sessions == other.sessions && testSet == other.testSet
    }

    /// The run's key without its round: what the replicates of one cell share.
    public var cellKey: String {
        let suffix = "|round\(round)"  // the runner appends it last (see `ExperimentRunner.key`)
        return round > 0 && key.hasSuffix(suffix) ? String(key.dropLast(suffix.count)) : key
    }

    /// Zero-shot: no knowledge in the prompt.
    public var isZeroShot: Bool { formats.formats.isEmpty }

    /// What the chart shows and filters search: "electronic rules random 0.05 icl" (a zero-shot
    /// run has no quantity: "electronic none icl").
    public var label: String {
        let quantity = isZeroShot ? "" : " \(strategy.rawValue) \(ratio)"
        let pooled = knowledgeDomains.map { " from \($0)" } ?? ""
        let curated = knowledgeSet.map { " set \($0)" } ?? ""
        let replicate = round > 0 ? " round \(round + 1)" : ""
        let line = formatLine != .standard ? " line \(formatLine.rawValue)" : ""
        return "\(domain) \(formats.label)\(quantity)\(pooled)\(curated) \(method.rawValue)\(line)\(replicate)"
    }

    /// The label with the run's id, where several runs of one cell may be listed.
    public var numberedLabel: String { "\(label) #\(id ?? 0)" }

    /// Chart and table order: domain, formats (zero-shot first), strategy, method, ratio, id —
    /// method before ratio, so each method's bars over the ratios read as one curve (where SFT peaks).
    public static func chartOrder(_ x: RunRecord, _ y: RunRecord) -> Bool {
        (x.domain, x.isZeroShot ? "" : x.formats.label, x.strategy.rawValue, x.method.rawValue, x.ratio, x.id ?? 0)
            < (
                y.domain, y.isZeroShot ? "" : y.formats.label, y.strategy.rawValue, y.method.rawValue, y.ratio,
                y.id ?? 0
            )
    }
}

/// A run is stored once it finished; its predictions are stored with it.
public enum RunStatus: String, Codable, Sendable {
    case done
}
