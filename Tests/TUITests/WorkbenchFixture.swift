import Foundation
@testable import Pipeline
@testable import TUI

/// A food dataset for the five screens: four training sessions, a 10-item test session with
/// CJK titles and a 2-item one; everything below is written by hand.
func workbenchDataset() -> Dataset {
    var items: [String: Item] = [:]
    func add(_ id: String, _ title: String, _ category: String) {
        items[id] = Item(id: id, title: title, categoryPaths: [["Food", category]])
    }
    add("A1", "Sencha Green Tea", "Tea"); add("A2", "抹茶 Matcha Powder", "Tea"); add("A3", "Tea Whisk", "Teaware")
    add("A4", "Butter Biscuits", "Cookies"); add("A5", "Shortbread", "Cookies"); add("A6", "Garden Hose", "Garden")
    add("A7", "玉露 Gyokuro", "Tea"); add("A8", "Oat Milk", "Milk"); add("A9", "Lemon", "Fruit");
    add("A10", "Honey", "Sweeteners")
    func train(_ id: String, _ bundle: [String], _ intent: String, extra: [String]) -> Session {
        Session(
            id: id, itemIDs: bundle + extra, bundles: [GroundTruthBundle(id: id + "b", itemIDs: bundle, intent: intent)]
        )
    }
    let sessions = [
        train("t1", ["A1", "A3"], "Tea ceremony", extra: ["A6"]),
        train("t2", ["A4", "A5"], "Biscuit tin", extra: ["A9"]),
        train("t3", ["A1", "A3"], "Tea ceremony", extra: []),
        train("t4", ["A8", "A10"], "Sweet milk", extra: ["A6"]),
        Session(
            id: "x10", itemIDs: ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10"],
            bundles: [
                GroundTruthBundle(id: "g1", itemIDs: ["A1", "A2", "A3"], intent: "Tea tasting"),
                GroundTruthBundle(id: "g2", itemIDs: ["A4", "A5"], intent: "Biscuits"),
            ]),
        Session(
            id: "x2", itemIDs: ["A9", "A10"],
            bundles: [GroundTruthBundle(id: "g3", itemIDs: ["A9", "A10"], intent: "Hot lemon")]),
    ]
    let split: [String: SplitRole] = [
        "t1": .train, "t2": .train, "t3": .train, "t4": .train, "x10": .test, "x2": .test,
    ]
    return Dataset(domain: "food", sessions: sessions, items: items, split: split)
}

/// A real workspace file with two runs and two knowledge items, read back as the screens see it.
///  - run 1 "none": x10 answers [1,2,3] (exact) and x2 answers [1,2] (exact): precision 1.
///  - run 2 "rules": x10 answers [1,2] (a subset of ●1: hit, coverage 2/3) and [3,9] (partial:
///    miss); x2 does not parse (excluded in paper mode). Precision 1/2, recall 1/2.
///  - with `attribution`: run 2 without its rule answers x10 [1,2,3] (exact: precision 1) and x2
///    [1,2]; x2 has no answer with the rule, so only x10 pairs: Δprecision 1/2 − 1 = −1/2, hurt 1.
func workbenchSnapshot(dataset: Dataset, attribution: Bool = false) throws -> WorkspaceSnapshot {
    let path = NSTemporaryDirectory() + "bundlekd-tui-\(UUID().uuidString).sqlite"
    let workspace = try Workspace(path: path)
    func run(_ formats: String, _ key: String) -> RunRecord {
        RunRecord(
            id: nil, key: key, createdAt: Date(), domain: "food", student: "local", formats: FormatSet(label: formats)!,
            strategy: .random, ratio: 0.5, method: .icl, seed: 42, sessions: 2, studentPromptTokens: 100,
            studentCompletionTokens: 20, teacherTokens: formats == "none" ? 0 : 50, seconds: 1, status: .done)
    }
    func prediction(_ session: String, _ bundles: String?, raw: String) -> PredictionRecord {
        PredictionRecord(
            id: nil, runId: 0, sessionId: session, rawText: raw, bundles: bundles,
            parseError: bundles == nil ? "no JSON object" : nil, callId: nil)
    }
    try workspace.store(
        run("none", "k-none"),
        predictions: [
            prediction("x10", #"[{"items":[1,2,3],"intent":"Tea tasting"}]"#, raw: "…"),
            prediction("x2", #"[{"items":[1,2],"intent":"Hot lemon"}]"#, raw: "…"),
        ])
    try workspace.store(
        run("rules", "k-rules"),
        predictions: [
            prediction("x10", #"[{"items":[1,2],"intent":"Green tea"},{"items":[3,9],"intent":"Odd pair"}]"#, raw: "…"),
            prediction("x2", nil, raw: "I cannot"),
        ])
    func item(_ format: KnowledgeFormat, _ text: String, session: String) -> KnowledgeItem {
        KnowledgeItem(
            id: nil, createdAt: Date(), format: format, domain: "food", text: text, sessions: "[\"\(session)\"]",
            errors: "[\"partial\"]", teacherModel: "local", templateHash: "h", callIds: "[\(format == .rule ? 1 : 2)]",
            promptTokens: 10, completionTokens: 5, cost: 0)
    }
    try workspace.writer.write { db in
        var rule = item(.rule, "1. Keep tea with its teaware.", session: "food/t1")
        try rule.insert(db)
        var thought = item(.thought, "Step 1: biscuits go together.", session: "food/t2")
        try thought.insert(db)
    }
    if attribution {
        // The same answers without the mined Tea + Teaware pattern (support 2/4 at ratio 1.0).
        let rule = KnowledgePiece(format: .rule, text: "1. Keep tea with its teaware.")
        let pattern = KnowledgePiece(format: .pattern, text: "Tea + Teaware (support 50%, 2 bundles)")
        for (position, piece) in [rule, pattern].enumerated() {
            for (session, bundles) in [("x10", #"[{"items":[1,2,3],"intent":"Tea"}]"#), ("x2", #"[{"items":[1,2]}]"#)]
            {
                try workspace.store(
                    AblationRecord(
                        id: nil, runId: 2, unit: piece.key, position: position, pieces: KnowledgeItem.json([piece]),
                        sessionId: session, rawText: "…", bundles: bundles, parseError: nil, callIds: "[]"))
            }
        }
    }
    return try WorkspaceSnapshot.load(workspace, path: path, datasets: [dataset], mode: .paper, baselineRunID: nil)
}

/// A model on `screen` with the fixture's data and workspace loaded.
func workbenchModel(
    _ screen: ScreenID, width: Int = 80, height: Int = 24, attribution: Bool = false
) throws -> AppModel {
    _ = utf8Locale
    let dataset = workbenchDataset()
    var model = AppModel(datasets: [dataset], sourceLabel: "fixture", width: width, height: height)
    _ = update(&model, .resized(width: width, height: height))
    _ = update(&model, .workspaceLoaded(try workbenchSnapshot(dataset: dataset, attribution: attribution)))
    model.activeScreen = screen
    return model
}

/// The first tokens of a rules call on food/t1, as the worker reports them.
func startRulesCall(_ m: inout AppModel, pressEnter: Bool = true) {
    if pressEnter { _ = send(&m, .enter) }
    _ = update(&m, .workStarted(.extraction, detail: "rules on 2 sessions"))
    _ = update(&m, .extraction(.stageStarted(.rule, steps: 2)))
    _ = update(&m, .extraction(.promptSent(.rule, session: "food/t1", prompt: "Judge these bundles")))
    _ = update(&m, .extraction(.tokens(.rule, session: "food/t1", text: "{\"rules\": ")))
}

/// The rest of that call: parsed into 1 rule; totals of step 1/2, 3 calls (1 cached), 300+40 tokens.
func finishRulesCall(_ m: inout AppModel) {
    _ = update(&m, .extraction(.tokens(.rule, session: "food/t1", text: "[\"keep tea\"]}")))
    _ = update(&m, .extraction(.itemParsed(.rule, session: "food/t1", summary: "1 rule")))
    var progress = ExtractionProgress()
    progress.stage = .rule
    progress.stepsDone = 1; progress.stepsTotal = 2; progress.calls = 3; progress.cacheHits = 1
    progress.promptTokens = 300; progress.completionTokens = 40; progress.itemsStored = 1
    _ = update(&m, .extraction(.progress(progress)))
}

extension Buffer {
    /// The style of the cell where `text` first appears.
    func style(of text: String) -> Style? { find(text).map { self[$0.x, $0.y].style } }
}
