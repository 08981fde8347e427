import Foundation
import Pipeline

/// What the screens show of the workspace, read in the background and handed to `update`
/// whole: the screens never query the database themselves.
public struct WorkspaceSnapshot: Sendable {
    public var path: String
    public var knowledge: [KnowledgeItem] = []
    public var runs: [RunRecord] = []
    /// Predictions by run id, then by session id.
    public var predictions: [Int64: [String: PredictionRecord]] = [:]
    /// The teacher's self-reflection error rate per "domain/session", where it is known.
    public var errorRates: [String: Double] = [:]
    public var report: ExperimentReport?
    /// The attribution of every run that has one (paper mode), oldest run first.
    public var attributions: [AttributionReport] = []
    public var knowledgeSets: [KnowledgeSetRecord] = []

    public init(
        path: String, knowledge: [KnowledgeItem] = [], runs: [RunRecord] = [],
        predictions: [Int64: [String: PredictionRecord]] = [:], errorRates: [String: Double] = [:],
        report: ExperimentReport? = nil
    ) {
        self.path = path
        self.knowledge = knowledge
        self.runs = runs
        self.predictions = predictions
        self.errorRates = errorRates
        self.report = report
    }

    /// Reads everything the screens need; the report is scored from stored predictions.
    public static func load(
        _ workspace: Workspace, path: String, datasets: [Dataset], mode: ScoringMode,
        baselineRunID: Int64?
    ) throws -> WorkspaceSnapshot {
        let runs = try workspace.runs().filter { $0.status == .done }
        var predictions: [Int64: [String: PredictionRecord]] = [:]
        for run in runs {
            guard let id = run.id else { continue }
            predictions[id] = Dictionary(
                try workspace.predictions(run: id).map { ($0.sessionId, $0) }, uniquingKeysWith: { a, _ in a })
        }
        let byDomain = Dictionary(datasets.map { ($0.domain, $0) }, uniquingKeysWith: { a, _ in a })
        let attributed = try workspace.attributedRunIDs()
        let attributions = try runs.compactMap { run -> AttributionReport? in
            guard let dataset = byDomain[run.domain], let id = run.id, attributed.contains(id) else { return nil }
            return try AttributionReport.build(workspace: workspace, run: run, dataset: dataset, mode: .paper)
        }
        var rates: [String: Double] = [:]
        for dataset in datasets { rates.merge(try workspace.teacherErrorRates(domain: dataset.domain)) { a, _ in a } }
        var snapshot = WorkspaceSnapshot(
            path: path, knowledge: try workspace.knowledge(), runs: runs, predictions: predictions,
            errorRates: rates,
            report: try ExperimentReport.build(
                workspace: workspace, datasets: datasets, mode: mode,
                baselineRunID: baselineRunID))
        snapshot.attributions = attributions
        snapshot.knowledgeSets = try workspace.knowledgeSets()
        return snapshot
    }

    /// A short name for a run: "electronic rules random 0.05 icl #3".
    public static func label(_ run: RunRecord) -> String { run.numberedLabel }
}
