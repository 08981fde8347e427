import Foundation

/// Runs cells over datasets: the ICL runner, and for sft and icl+sft the registered fine-tuned
/// student — through a gateway of its own and, for a model this workbench trained, its own
/// local server, started on the first request and stopped when the grid ends.
public struct ExperimentGrid: Sendable {
    public let gateway: LLMGateway
    /// The registered fine-tuned student the sft and icl+sft cells use.
    public let student: String?
    public let report: @Sendable (String) -> Void

    public init(gateway: LLMGateway, student: String? = nil, report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.gateway = gateway
        self.student = student
        self.report = report
    }

    /// Where in the grid an event happened: the dataset and the cell, the cell's number of all.
    public struct Position: Sendable {
        public let dataset: Dataset
        public let cell: ExperimentCell
        public let index: Int
        public let count: Int

        /// `[food 2/4 rules random 0.1 icl]`.
        public var label: String {
            let quantity = cell.formats.isEmpty ? "" : "\(cell.strategy.rawValue) \(cell.ratio) "
            return "[\(dataset.domain) \(index)/\(count) \(cell.formatLabel) \(quantity)\(cell.method.rawValue)]"
        }
    }

    /// Every cell on every dataset, in order; `onEvent` hears each cell start and progress, with
    /// where it is. `knowledgeSources` are the datasets cells with knowledge domains draw from.
    public func run(
        _ cells: [ExperimentCell], datasets: [Dataset], testLimit: Int?, knowledgeSources: [Dataset] = [],
        onEvent: @escaping @Sendable (Position, ExperimentEvent) -> Void
    ) async throws -> [RunRecord] {
        let icl = ExperimentRunner(gateway: gateway)
        let (tuned, server) = try fineTunedRunner(needed: cells.contains { $0.method.needsFineTunedStudent })
        var runs: [RunRecord] = []
        do {
            for dataset in datasets {
                for (index, cell) in cells.enumerated() {
                    let position = Position(dataset: dataset, cell: cell, index: index + 1, count: cells.count)
                    onEvent(position, .cellStarted(cell, index: index + 1, of: cells.count))
                    let runner = cell.method.needsFineTunedStudent ? tuned! : icl
                    runs.append(
                        try await runner.run(
                            cell, dataset: dataset, testLimit: testLimit, knowledgeSources: knowledgeSources
                        ) { onEvent(position, $0) })
                }
            }
        } catch {
            await server?.stop()
            throw error
        }
        await server?.stop()
        return runs
    }

    /// The same workspace and teacher, with the registered fine-tuned model as the student.
    func fineTunedRunner(needed: Bool) throws -> (ExperimentRunner?, LocalServerStarter?) {
        guard needed else { return (nil, nil) }
        guard let name = student else {
            throw LLMError.notConfigured(
                "the sft and icl+sft methods need a fine-tuned student (--student NAME, "
                    + "a model registered by 'bundlekd sft train')")
        }
        guard let registered = try gateway.workspace.student(named: name) else {
            throw DataError(
                file: gateway.workspace.path ?? "the workspace", field: "student",
                "no fine-tuned student '\(name)' is registered; run 'bundlekd sft train' first")
        }
        var config = gateway.config
        config.student.baseURLs = [registered.baseURL]
        config.student.model = registered.model
        guard let modelPath = registered.modelPath else {
            return (ExperimentRunner(gateway: try LLMGateway(config: config, workspace: gateway.workspace)), nil)
        }
        for file in [modelPath] + (registered.adapterPath.map { [$0] } ?? [])
        where !FileManager.default.fileExists(atPath: file) {
            throw DataError(
                file: file, field: "student",
                "the fine-tuned model of '\(name)' is missing; train it again with 'bundlekd sft train'")
        }
        let settings = FineTunedStudent.serverSettings(for: registered, config: gateway.config)
        let starter = LocalServerStarter(settings: settings, report: report)
        let tuned = try LLMGateway(config: config, workspace: gateway.workspace) { _ in
            try await starter.ensureRunning()
        }
        return (ExperimentRunner(gateway: tuned, studentServer: settings), starter)
    }
}
