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
    /// Without a given student, each sft and icl+sft cell uses the student trained on its own
    /// sample and format (training it first when it is not registered yet): the SFT sweep.
    /// The sample-free baselines (chance, `[1, 2]`, same category) are added to every test set
    /// the grid runs, unless `cells` already hold them: no table is without them, and they cost
    /// no model call.
    public func run(
        _ cells: [ExperimentCell], datasets: [Dataset], tests: TestSessions = .all, knowledgeSources: [Dataset] = [],
        onEvent: @escaping @Sendable (Position, ExperimentEvent) -> Void
    ) async throws -> [RunRecord] {
        let icl = ExperimentRunner(gateway: gateway)
        let students = StudentServers()
        var runs: [RunRecord] = []
        let cells = Self.withBaselines(cells)
        do {
            for dataset in datasets {
                for (index, cell) in cells.enumerated() {
                    let position = Position(dataset: dataset, cell: cell, index: index + 1, count: cells.count)
                    onEvent(position, .cellStarted(cell, index: index + 1, of: cells.count))
                    var runner = icl
                    if cell.method.needsFineTunedStudent {
                        let name: String
                        if let student {
                            name = student
                        } else {
                            name = try await trainedStudent(for: cell, dataset: dataset) { onEvent(position, $0) }
                        }
                        runner = try await students.runner(for: name) { try fineTunedRunner(name) }
                    }
                    runs.append(
                        try await runner.run(
                            cell, dataset: dataset, tests: tests, knowledgeSources: knowledgeSources
                        ) { onEvent(position, $0) })
                }
            }
        } catch {
            await students.stop()
            throw error
        }
        await students.stop()
        return runs
    }

    /// `cells` followed by the sample-free baselines they lack (with the first cell's seed).
    static func withBaselines(_ cells: [ExperimentCell]) -> [ExperimentCell] {
        guard let seed = cells.first?.seed else { return cells }
        let present = Set(cells.map(\.method))
        return cells
            + UtilisationMethod.sampleFreeBaselines.filter { !present.contains($0) }.map {
                ExperimentCell(formats: [], method: $0, seed: seed)
            }
    }

    /// Attribution by ablation of a stored run (see `AttributionRunner`), with the run's own
    /// student: the configured one, or for icl+sft its fine-tuned student on its own server.
    public func attribute(
        _ run: RunRecord, dataset: Dataset, sessions: Int?, maxUnits: Int = 24, knowledgeSources: [Dataset] = [],
        onEvent: @escaping @Sendable (ExperimentEvent) -> Void
    ) async throws -> [KnowledgeEffect] {
        let students = StudentServers()
        do {
            let runner =
                run.method.needsFineTunedStudent
                ? try await students.runner(for: run.student) { try fineTunedRunner(run.student) }
                : ExperimentRunner(gateway: gateway)
            let effects = try await AttributionRunner(runner: runner).attribute(
                run, dataset: dataset, sessions: sessions, maxUnits: maxUnits, knowledgeSources: knowledgeSources,
                onEvent: onEvent)
            await students.stop()
            return effects
        } catch {
            await students.stop()
            throw error
        }
    }

    /// The registered student of an sft cell in the sweep, trained first when it is missing: a
    /// LoRA adapter on the cell's own sample (the one its ICL cell draws knowledge from), each row's
    /// input the prompt the cell is tested with, after the teacher has extracted what the sample lacks.
    func trainedStudent(
        for cell: ExperimentCell, dataset: Dataset, onEvent: @escaping @Sendable (ExperimentEvent) -> Void
    ) async throws -> String {
        let name = FineTunedStudent.sweepName(cell, domain: dataset.domain)
        let workspace = gateway.workspace
        // A registered student is reused: a LoRA one while its adapter is there, one trained by
        // the configured command as registered (its model lives where that command put it).
        if let registered = try workspace.student(named: name),
            registered.adapterPath.map(FileManager.default.fileExists) ?? (registered.modelPath == nil)
        {
            return name
        }
        _ = try await ExperimentRunner(gateway: gateway).knowledge(for: cell, dataset: dataset, onEvent: onEvent)
        let sample = try cell.sample(dataset, workspace: workspace)
        let format = cell.formats.first
        var job = SFTTraining(
            workspace: workspace, config: gateway.config, configFile: "the grid",
            sample: "\(cell.strategy.rawValue) \(cell.ratio) seed \(cell.seed)", format: format, name: name,
            folder: FineTunedStudent.folder(name: name, databasePath: workspace.path ?? "bundlekd.sqlite"))
        job.shape = SFTExport.PromptShape(for: cell.method)
        let rows = try job.rows(for: sample, datasets: [dataset])
        try job.writeData(rows)
        do {
            // `[trainer] command` trains elsewhere (a GPU box, an API), as `sft train` does.
            if gateway.config.trainerCommand != nil {
                let command = try job.trainerCommand(
                    epochs: LoRASettings().epochs, rank: LoRASettings().rank, learningRate: LoRASettings().learningRate)
                report("training student \(name) on \(rows.count) rows (trainer command: \(command))")
                _ = try job.runExternal(command)
                return name
            }
            report("training student \(name) on \(rows.count) rows (LoRA)")
            _ = try await job.trainLoRA(trainer: try job.loraTrainer(report: report), settings: LoRASettings()) {
                onEvent(.training(student: name, $0))
            }
        } catch {
            // Nothing was registered: leave no half-made student folder behind.
            try? FileManager.default.removeItem(atPath: job.folder)
            throw error
        }
        return name
    }

    /// The same workspace and teacher, with the registered fine-tuned model `name` as the student.
    func fineTunedRunner(_ name: String) throws -> (ExperimentRunner, LocalServerStarter?) {
        guard let registered = try gateway.workspace.student(named: name) else {
            throw DataError(
                file: gateway.workspace.path ?? "the workspace", field: "student",
                "no fine-tuned student '\(name)' is registered; run 'bundlekd sft train' first")
        }
        var config = gateway.config
        config.student.baseURLs = [registered.baseURL]
        config.student.model = registered.model
        guard let modelPath = registered.modelPath else {
            return (
                ExperimentRunner(
                    gateway: try LLMGateway(config: config, workspace: gateway.workspace),
                    studentReasons: registered.reasonsFirst), nil
            )
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
        return (
            ExperimentRunner(gateway: tuned, studentServer: settings, studentReasons: registered.reasonsFirst), starter
        )
    }
}

/// The fine-tuned students' servers during a grid: one at a time (they share the fine-tuned
/// port), the previous one stopped when a cell needs another student.
actor StudentServers {
    private var current: (name: String, runner: ExperimentRunner, server: LocalServerStarter?)?

    func runner(
        for name: String, make: () throws -> (ExperimentRunner, LocalServerStarter?)
    ) async throws -> ExperimentRunner {
        if let current, current.name == name { return current.runner }
        await current?.server?.stop()
        current = nil
        let (runner, server) = try make()
        current = (name, runner, server)
        return runner
    }

    func stop() async {
        await current?.server?.stop()
        current = nil
    }
}
