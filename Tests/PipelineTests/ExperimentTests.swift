import Foundation
import Testing
@testable import Pipeline

/// The ICL prompt, by construction.
struct ICLPromptTests {
    static func dataset() -> Dataset {
        let items = Dictionary(
            uniqueKeysWithValues: ["a", "b", "c", "d", "e", "f"].map {
                ($0, Item(id: $0, title: "Title \($0)", categoryPaths: [["Food", "Cat \($0)"]]))
            })
        let s1 = Session(
            id: "t1", itemIDs: ["a", "b", "c"],
            bundles: [GroundTruthBundle(id: "g1", itemIDs: ["a", "b"], intent: "tea time")])
        let s2 = Session(
            id: "t2", itemIDs: ["d", "e"],
            bundles: [GroundTruthBundle(id: "g2", itemIDs: ["d", "e"], intent: "baking")])
        let test = Session(
            id: "x", itemIDs: ["a", "f"], bundles: [GroundTruthBundle(id: "g3", itemIDs: ["a", "f"], intent: "x")])
        return Dataset(
            domain: "food", sessions: [s1, s2, test], items: items, split: ["t1": .train, "t2": .train, "x": .test],
            neighbours: ["x": ["t2", "t1"]])
    }

    @Test func zeroShotHasOnlyTheTaskAndTheSession() {
        let data = Self.dataset()
        let prompt = ICLPromptBuilder().messages(
            for: data.sessions[2], in: data, knowledge: KnowledgeContext(), training: Array(data.sessions.prefix(2)))
        #expect(prompt.count == 1)
        #expect(prompt[0].content.contains("product1: Title a [Cat a]\nproduct2: Title f [Cat f]"))
        #expect(!prompt[0].content.contains("Rules") && !prompt[0].content.contains("Worked example"))
    }

    @Test func knowledgeAndTheListedNeighbourAppear() {
        let data = Self.dataset()
        var knowledge = KnowledgeContext()
        knowledge.patterns = ["Cat a + Cat b (support 50%, 1 bundles)"]
        knowledge.rules = ["1. Pair tea with biscuits."]
        knowledge.thoughts = ["food/t1": "Tea and biscuits go together.", "food/t2": "Flour and sugar bake a cake."]
        let text = ICLPromptBuilder().messages(
            for: data.sessions[2], in: data, knowledge: knowledge, training: Array(data.sessions.prefix(2)))[0].content
        #expect(text.contains("- Cat a + Cat b"))
        #expect(text.contains("1. Pair tea with biscuits."))
        // The DICL neighbour list puts t2 first.
        #expect(
            text.contains(
                "Reasoning: Flour and sugar bake a cake.\nAnswer: {\"bundles\":[{\"intent\":\"baking\",\"items\":[1,2]}]}"
            ))
        #expect(!text.contains("Tea and biscuits go together."))
    }

    @Test func theBudgetDropsWhatDoesNotFit() {
        let data = Self.dataset()
        var knowledge = KnowledgeContext()
        knowledge.rules = (1...10).map { "\($0). " + String(repeating: "long rule text ", count: 40) }
        var builder = ICLPromptBuilder()
        builder.tokenBudget = 300
        let text = builder.messages(for: data.sessions[2], in: data, knowledge: knowledge, training: [])[0].content
        #expect(!text.contains("long rule text"))
        #expect(ICLPromptBuilder.tokens(text) <= 300)
    }

    @Test func cellLabelsParse() {
        #expect(ExperimentCell.formats("none") == [])
        #expect(ExperimentCell.formats("all") == Set(KnowledgeFormat.allCases))
        #expect(ExperimentCell.formats("patterns+thoughts") == [.pattern, .thought])
        #expect(ExperimentCell.formats("bogus") == nil)
        #expect(ExperimentCell(formats: [.thought, .pattern]).formatLabel == "patterns+thoughts")
    }
}

/// A small grid on the demo data with the real local model (make test starts it), then the
/// same grid again, served entirely from the store and the cache.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["LLM_BASE_URL"] != nil,
        "skipped: LLM_BASE_URL is not set (make test starts the local model server and sets it)"))
struct GridTests {
    /// Three rounds of the zero-shot cell: each round asks the model afresh (3 sessions × 3
    /// rounds = 9 calls that reach the server), each is its own run, and a fresh runner on the
    /// same workspace gets all three from the cache (9 hits, no new network call).
    @Test func repeatsAskAfreshPerRoundAndNotOnARerun() async throws {
        let food = try DemoFood.dataset()
        let llm = try LLMGateway(config: DemoFood.config(), workspace: try Workspace())
        let cells = (1...3).map { ExperimentCell(formats: [], round: $0) }
        var keys: Set<String> = []
        for cell in cells {
            keys.insert(try await ExperimentRunner(gateway: llm).run(cell, dataset: food, testLimit: 3) { _ in }.key)
        }
        let first = try llm.workspace.cacheStatistics()
        #expect(keys.count == 3)
        #expect(first.calls == 9 && first.hits == 0)
        // Without the stored runs (another budget makes other run keys), the same prompts hit the cache.
        var builder = ICLPromptBuilder()
        builder.tokenBudget += 1
        for cell in cells {
            _ = try await ExperimentRunner(gateway: llm, builder: builder).run(cell, dataset: food, testLimit: 3) { _ in
            }
        }
        let again = try llm.workspace.cacheStatistics()
        #expect(again.calls == 18 && again.hits == 9)
    }

    @Test func demoGridRunsAndRerunsFromCache() async throws {
        let food = try DemoFood.dataset()
        let llm = try LLMGateway(config: DemoFood.config(), workspace: try Workspace())
        let runner = ExperimentRunner(gateway: llm)
        let cells = [
            ExperimentCell(formats: []), ExperimentCell(formats: [.pattern], ratio: 0.2),
            ExperimentCell(formats: [.thought], ratio: 0.1),
        ]
        for cell in cells { _ = try await runner.run(cell, dataset: food, testLimit: 3) { _ in } }
        let report = try ExperimentReport.build(workspace: llm.workspace, datasets: [food], mode: .paper)
        #expect(report.rows.map(\.run.formats.label) == ["none", "patterns", "thoughts"])
        #expect(report.rows.allSatisfy { $0.run.sessions == 3 && $0.run.studentCompletionTokens > 0 })
        #expect(report.rows[2].run.teacherTokens > 0)
        #expect(report.markdown().contains("| food | none | - | - | icl |"))
        let callsBefore = try llm.workspace.cacheStatistics().calls
        // The re-run finds every cell stored: no model call at all.
        for cell in cells { _ = try await runner.run(cell, dataset: food, testLimit: 3) { _ in } }
        #expect(try llm.workspace.cacheStatistics().calls == callsBefore)
        // Without the stored runs, every answer comes from the cache.
        let fresh = ExperimentRunner(gateway: llm, builder: ICLPromptBuilder())
        let again = try await fresh.run(ExperimentCell(formats: [], seed: 42), dataset: food, testLimit: 3) { _ in }
        #expect(again.sessions == 3)
        let strict = try ExperimentReport.build(workspace: llm.workspace, datasets: [food], mode: .strict)
        #expect(strict.rows.allSatisfy { $0.metrics.sessions.count == 3 })
    }
}

struct SFTExportTests {
    @Test func rowsAndFiles() throws {
        let data = ICLPromptTests.dataset()
        let sample = data.sessions.prefix(2).map { SessionReference(domain: "food", session: $0) }
        let thought = KnowledgeItem(
            id: 1, createdAt: Date(), format: .thought, domain: "food", text: "Tea goes with biscuits.",
            sessions: "[\"food/t1\"]", errors: "[]", teacherModel: "t", templateHash: "h", callIds: "[]",
            promptTokens: 0, completionTokens: 0, cost: 0)
        let rows = SFTExport.rows(sample: Array(sample), datasets: [data], format: .thought, knowledge: [thought])
        // t2 has no thought, so only t1 remains; its target is the rationale, then the real bundles.
        #expect(rows.map(\.session) == ["food/t1"])
        #expect(
            rows[0].output
                == "Reasoning: Tea goes with biscuits.\nAnswer: {\"bundles\":[{\"intent\":\"tea time\",\"items\":[1,2]}]}"
        )
        let plain = SFTExport.rows(sample: Array(sample), datasets: [data], format: nil, knowledge: [])
        #expect(plain.count == 2 && plain[1].output == "{\"bundles\":[{\"intent\":\"baking\",\"items\":[1,2]}]}")
        // The input is the prompt the student gets at test time, so sft is evaluated on what it learned.
        #expect(
            plain[0].input
                == ICLPromptBuilder().messages(
                    for: data.sessions[0], in: data, knowledge: KnowledgeContext(), training: [])[0].content)
        #expect(plain[0].input.hasPrefix("A bundle is a set of products"))
        let folder = FixtureFolder()
        try SFTExport.write(plain, to: folder.path + "/sft", name: "demo")
        let lines = try String(contentsOfFile: folder.path + "/sft/openai.jsonl", encoding: .utf8).split(
            separator: "\n")
        #expect(lines.count == 2)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect((first?["messages"] as? [[String: String]])?.map { $0["role"]! } == ["user", "assistant"])
        let alpaca =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: folder.path + "/sft/alpaca.json"))) as? [[String: String]]
        #expect(alpaca?.count == 2 && alpaca?[0]["output"] == plain[0].output)
        let info =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: folder.path + "/sft/dataset_info.json")))
            as? [String: [String: String]]
        #expect(info?["demo_sharegpt"]?["formatting"] == "sharegpt")
    }
}

extension SFTExportTests {
    /// A curated set in the rows: its enabled rules replace the teacher's, and a thought it
    /// disabled drops that session's row.
    @Test func curatedSetsShapeTheRows() {
        let data = ICLPromptTests.dataset()
        let sample = data.sessions.prefix(2).map { SessionReference(domain: "food", session: $0) }
        func item(_ id: Int64, _ format: KnowledgeFormat, _ text: String) -> KnowledgeItem {
            KnowledgeItem(
                id: id, createdAt: Date(), format: format, domain: "food", text: text, sessions: "[\"food/t1\"]",
                errors: "[]", teacherModel: "t", templateHash: "h", callIds: "[]", promptTokens: 0,
                completionTokens: 0, cost: 0)
        }
        let items = [item(1, .rule, "1. Teacher rule."), item(2, .thought, "Tea goes with biscuits.")]
        var draft = KnowledgeCuration(domain: "food", items: items)
        draft.toggle(0)
        draft.add("Keep baking things together.", author: "ana")
        let rules = SFTExport.rows(
            sample: Array(sample), datasets: [data], format: .rule, knowledge: items, curated: draft.entries)
        #expect(rules.count == 2 && rules.allSatisfy { $0.input.contains("Rules for finding bundles:\nKeep baking") })
        #expect(rules.allSatisfy { !$0.input.contains("Teacher rule") })
        draft.toggle(1)  // the thought of t1
        let thoughts = SFTExport.rows(
            sample: Array(sample), datasets: [data], format: .thought, knowledge: items, curated: draft.entries)
        #expect(thoughts.isEmpty)
    }
}

struct TrainerTests {
    @Test func commandTemplateRunsAndReportsItsStatus() throws {
        let folder = FixtureFolder()
        let command = Trainer.render(
            "mkdir -p {output_dir} && echo {dataset} > {output_dir}/done",
            values: ["output_dir": folder.path + "/out", "dataset": "bundlekd_rules_alpaca"])
        #expect(command == "mkdir -p \(folder.path)/out && echo bundlekd_rules_alpaca > \(folder.path)/out/done")
        #expect(try Trainer.run(command) == 0)
        #expect(try String(contentsOfFile: folder.path + "/out/done", encoding: .utf8) == "bundlekd_rules_alpaca\n")
        #expect(try Trainer.run("exit 3") == 3)
        let workspace = try Workspace()
        try workspace.register(
            StudentModelRecord(
                name: "s", createdAt: Date(), sample: "x", knowledge: "rules", baseURL: "http://h/v1",
                model: "s", command: command, outputDir: folder.path))
        #expect(try workspace.student(named: "s")?.knowledge == "rules")
        #expect(try workspace.student(named: "missing") == nil)
    }
}

struct BaselineTests {
    func run(
        _ id: Int64, formats: String, method: UtilisationMethod = .icl, student: String, sessions: Int = 180
    ) -> RunRecord {
        RunRecord(
            id: id, key: "k\(id)", createdAt: Date(), domain: "electronic", student: student,
            formats: FormatSet(label: formats)!,
            strategy: .random, ratio: 0.05, method: method, seed: 42, sessions: sessions, studentPromptTokens: 0,
            studentCompletionTokens: 0, teacherTokens: 0, seconds: 0, status: .done)
    }

    /// A fine-tuned student has no zero-shot run of its own: it is compared with the base
    /// student's; a run with its own zero-shot run keeps that; another test set gets none.
    @Test func fineTunedStudentsAreComparedWithTheBaseStudent() {
        let metrics = RunMetrics(mode: .paper, sessions: [])
        let scored = [
            (run(1, formats: "none", student: "local"), metrics), (run(2, formats: "none", student: "other"), metrics),
            (run(3, formats: "none", student: "local", sessions: 10), metrics),
        ]
        #expect(
            ExperimentReport.zeroShot(for: run(4, formats: "rules", method: .sft, student: "sft-rules"), in: scored)?.0
                .id == 1)
        #expect(ExperimentReport.zeroShot(for: run(5, formats: "rules", student: "other"), in: scored)?.0.id == 2)
        #expect(
            ExperimentReport.zeroShot(for: run(6, formats: "rules", student: "local", sessions: 99), in: scored) == nil)
    }
}

/// One rule builds the grid's cells for the CLI and the Experiments screen.
struct GridAxesTests {
    @Test func zeroShotIsOneCellPerMethodAndKnowledgeCellsCrossEveryAxis() {
        let axes = GridAxes(
            formats: [[], [.pattern], [.rule, .thought]], strategies: [.random, .length], ratios: [0.1, 0.2],
            methods: [.icl, .sft], seed: 7)
        let cells = axes.cells
        // 2 zero-shot (one per method) + 2 knowledge sets × 2 methods × 2 strategies × 2 ratios = 18.
        #expect(cells.count == 18)
        #expect(cells.prefix(2).map(\.method) == [.icl, .sft] && cells.prefix(2).allSatisfy(\.formats.isEmpty))
        #expect(cells[2] == ExperimentCell(formats: [.pattern], strategy: .random, ratio: 0.1, method: .icl, seed: 7))
        #expect(cells[5] == ExperimentCell(formats: [.pattern], strategy: .length, ratio: 0.2, method: .icl, seed: 7))
        #expect(
            cells.last
                == ExperimentCell(formats: [.rule, .thought], strategy: .length, ratio: 0.2, method: .sft, seed: 7))
        #expect(Set(cells).count == 18)
    }
}

/// A workspace written by the code before the records were typed (commit 2107a33: `llm chat`,
/// `extract --stages patterns,thoughts`, two `run`s against the fault server) still opens and
/// reads; the expected values are what `sqlite3` showed in that file.
struct OldWorkspaceTests {
    @Test func aWorkspaceFromBeforeTheTypedRecordsOpens() throws {
        let fixture = SharedData.repositoryRoot.appendingPathComponent(
            "Tests/PipelineTests/Fixtures/workspace-2107a33.sqlite"
        ).path
        let folder = FixtureFolder()
        try FileManager.default.copyItem(atPath: fixture, toPath: folder.path + "/old.sqlite")
        let workspace = try Workspace(path: folder.path + "/old.sqlite")
        let runs = try workspace.runs()
        #expect(runs.map(\.formats.label) == ["none", "patterns"])
        #expect(
            runs.map(\.strategy) == [.random, .random] && runs.map(\.method) == [.icl, .icl]
                && runs.map(\.status) == [.done, .done])
        #expect(
            runs.map(\.cell) == [
                ExperimentCell(formats: [], ratio: 0.1),
                ExperimentCell(formats: [.pattern], strategy: .random, ratio: 0.2),
            ])
        #expect(try workspace.predictions(run: runs[0].id!).count == 2)
        #expect(try workspace.steps(stage: .thought, domain: "food").count == 4)
        #expect(try workspace.steps(stage: .pattern, domain: "food").count == 1)
        #expect(try workspace.knowledge().count == 64)
        #expect(try workspace.recentCalls(limit: 100).count == 9)
    }
}

/// An `sft` cell is tested with the zero-shot prompt and an `icl+sft` cell with its knowledge, so
/// each must be trained on exactly that prompt (today's mismatch: rules in training, none at test).
extension SFTExportTests {
    static func items() -> [KnowledgeItem] {
        func item(_ id: Int64, _ format: KnowledgeFormat, _ text: String, _ session: String) -> KnowledgeItem {
            KnowledgeItem(
                id: id, createdAt: Date(), format: format, domain: "food", text: text, sessions: "[\"\(session)\"]",
                errors: "[]", teacherModel: "t", templateHash: "h", callIds: "[]", promptTokens: 0,
                completionTokens: 0, cost: 0)
        }
        return [
            item(1, .rule, "1. Keep tea with biscuits.", "food/t1"), item(2, .thought, "Thought about t1.", "food/t1"),
            item(3, .thought, "Thought about t2.", "food/t2"),
        ]
    }

    @Test func eachRowIsThePromptItsCellIsTestedWith() {
        let data = ICLPromptTests.dataset()
        let sample = data.sessions.prefix(2).map { SessionReference(domain: "food", session: $0) }
        let rules = SFTExport.rows(sample: Array(sample), datasets: [data], format: .rule, knowledge: Self.items())
        let plain = SFTExport.rows(
            sample: Array(sample), datasets: [data], format: .rule, knowledge: Self.items(), shape: .plain)
        #expect(rules.count == 2 && rules.allSatisfy { $0.input.contains("Keep tea with biscuits.") })
        // What ExperimentRunner sends an sft cell: the zero-shot prompt.
        let zeroShot = sample.map {
            ICLPromptBuilder().messages(for: $0.session, in: data, knowledge: KnowledgeContext(), training: [])[0]
                .content
        }
        #expect(plain.map(\.input) == zeroShot)
        #expect(rules.map(\.input) != zeroShot)
    }

    /// A thoughts row for icl+sft carries a worked example, as the test prompt does, but never
    /// its own session's (leave-one-out): t1's row shows t2's thought, t2's row t1's.
    @Test func aThoughtsRowsWorkedExampleIsAnotherSession() {
        let data = ICLPromptTests.dataset()
        let sample = Array(data.sessions.prefix(2).map { SessionReference(domain: "food", session: $0) })
        let rows = SFTExport.rows(sample: sample, datasets: [data], format: .thought, knowledge: Self.items())
        #expect(rows.map(\.session) == ["food/t1", "food/t2"])
        #expect(rows[0].input.contains("Reasoning: Thought about t2.") && !rows[0].input.contains("about t1"))
        #expect(rows[1].input.contains("Reasoning: Thought about t1.") && !rows[1].input.contains("about t2"))
        #expect(rows[0].output.hasPrefix("Reasoning: Thought about t1.\nAnswer: "))
        let plain = SFTExport.rows(
            sample: sample, datasets: [data], format: .thought, knowledge: Self.items(), shape: .plain)
        #expect(plain.allSatisfy { !$0.input.contains("Worked example") && $0.output.hasPrefix("Reasoning: ") })
    }

    @Test func sweepStudentsAreNamedByTheirTrainingPrompt() {
        func name(_ formats: Set<KnowledgeFormat>, _ method: UtilisationMethod) -> String {
            FineTunedStudent.sweepName(ExperimentCell(formats: formats, ratio: 0.2, method: method), domain: "food")
        }
        #expect(name([.pattern], .sft) == "sft-food-none-random-0.2-s42")
        #expect(name([], .sft) == "sft-food-none-random-0.2-s42")
        #expect(name([.pattern], .iclSFT) == "sft-food-patterns-random-0.2-s42")
        #expect(name([.thought], .sft) == "sft-food-thoughts-plain-random-0.2-s42")
        #expect(name([.thought], .iclSFT) == "sft-food-thoughts-in-context-random-0.2-s42")
    }
}

/// The run key carries the knowledge's fingerprint (before the round, which stays last), so new
/// rules for the same cell make a new run instead of resuming the old answers.
struct KnowledgeFingerprintTests {
    @Test func otherRulesMakeAnotherRunKey() {
        var a = KnowledgeContext()
        a.rules = ["1. Bundle [Cases] with [Tablets]."]
        var b = a
        b.rules = ["1. Bundle [Cases] with [Chargers]."]
        #expect(a.fingerprint != b.fingerprint && a.fingerprint == a.fingerprint)
        let key = "electronic|local|rules|random|0.1|icl|42|k1-b1500|tests180"
        #expect(ExperimentRunner.keyed(key, knowledge: a.fingerprint, round: 0) == key + "|knowledge:" + a.fingerprint)
        #expect(
            ExperimentRunner.keyed(key + "|round2", knowledge: b.fingerprint, round: 2)
                == key + "|knowledge:" + b.fingerprint + "|round2")
    }
}

/// The grid's SFT sweep with `[trainer] command`: the command trains (here it writes a marker
/// where {output_dir} says), the student is registered with that command and reused on the next
/// call without training again; a command that fails registers nothing and leaves no folder.
extension TrainerTests {
    @Test func theSweepHonoursTheTrainerCommand() async throws {
        let food = try DemoFood.dataset()
        let folder = FixtureFolder()
        var config = WorkspaceConfig()
        config.trainerCommand = "mkdir -p {output_dir} && echo {dataset} > {output_dir}/done"
        config.trainerServeURL = "http://127.0.0.1:9/v1"
        let workspace = try Workspace(path: folder.path + "/w.sqlite")
        let grid = ExperimentGrid(gateway: try LLMGateway(config: config, workspace: workspace), report: { _ in })
        let cell = ExperimentCell(formats: [.pattern], ratio: 0.2, method: .iclSFT)
        let name = try await grid.trainedStudent(for: cell, dataset: food) { _ in }
        let registered = try #require(try workspace.student(named: name))
        #expect(registered.command.hasPrefix("mkdir -p ") && registered.baseURL == "http://127.0.0.1:9/v1")
        let marker = folder.path + "/students/\(name)/model/done"
        #expect(try String(contentsOfFile: marker, encoding: .utf8) == "bundlekd_patterns_alpaca\n")
        try FileManager.default.removeItem(atPath: marker)
        _ = try await grid.trainedStudent(for: cell, dataset: food) { _ in }
        #expect(!FileManager.default.fileExists(atPath: marker))  // reused, not trained again
        config.trainerCommand = "exit 3"
        let failing = ExperimentGrid(gateway: try LLMGateway(config: config, workspace: workspace), report: { _ in })
        let other = ExperimentCell(formats: [.pattern], ratio: 0.5, method: .iclSFT)
        await #expect(throws: LLMError.self) { _ = try await failing.trainedStudent(for: other, dataset: food) { _ in } }
        let otherName = FineTunedStudent.sweepName(other, domain: food.domain)
        #expect(try workspace.student(named: otherName) == nil)
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/students/\(otherName)"))
    }
}
