import Foundation
import Testing
@testable import Pipeline
@testable import TUI

/// The Experiments screen with no-model baselines and a cell run in two rounds, on the food
/// dataset of WorkbenchFixture.swift (x10: ●1 {1,2,3}, ●2 {4,5} among 10 products; x2: ●3 {1,2}).
struct ExperimentsBaselineTests {
    /// Five runs on both test sessions, answers written by hand (paper mode):
    ///  - #1 none icl: x10 [1,2,3], x2 [1,2]: both exact, precision 1, recall (1/2 + 1)/2 = 0.75.
    ///  - #2 random (no model): x10 [4,9] misses, x2 [1,2] hits: precision 0.5, recall 0.5,
    ///    coverage 1/1 (only x2 hits).
    ///  - #3 same-category (no model): x10 [1,2] ⊂ ●1 (2/3 covered), x2 [1,2]: precision 1,
    ///    recall 0.75, coverage (2/3 + 1)/2 = 0.833.
    ///  - #4 rules 0.5 icl, round 1: x10 [1,2] and [4,5] both hit, x2 [1,2]: precision 1, recall 1,
    ///    coverage (2/3 + 1 + 1)/3 = 0.889.
    ///  - #5 the same cell, round 2 (key "k-rules|round1"): x10 [3,9] misses, x2 [1,2]: 0.5.
    static func snapshot(dataset: Dataset) throws -> WorkspaceSnapshot {
        let path = NSTemporaryDirectory() + "bundlekd-tui-\(UUID().uuidString).sqlite"
        let workspace = try Workspace(path: path)
        func store(
            _ formats: String, _ method: UtilisationMethod, _ key: String, round: Int = 0, _ x10: String
        )
            throws
        {
            let model = !method.isBaseline
            var run = RunRecord(
                id: nil, key: key, createdAt: Date(), domain: "food", student: model ? "local" : "no model",
                formats: FormatSet(label: formats)!, strategy: .random, ratio: 0.5, method: method, seed: 42,
                sessions: 2, studentPromptTokens: model ? 100 : 0, studentCompletionTokens: model ? 20 : 0,
                teacherTokens: formats == "rules" ? 50 : 0, seconds: 1, status: .done)
            run.round = round
            let predictions = [("x10", x10), ("x2", #"[{"items":[1,2]}]"#)].map { session, bundles in
                PredictionRecord(
                    id: nil, runId: 0, sessionId: session, rawText: "…", bundles: bundles, parseError: nil, callId: nil)
            }
            try workspace.store(run, predictions: predictions)
        }
        try store("none", .icl, "k-none", #"[{"items":[1,2,3]}]"#)
        try store("none", .random, "k-random", #"[{"items":[4,9]}]"#)
        try store("none", .sameCategory, "k-same", #"[{"items":[1,2]}]"#)
        try store("rules", .icl, "k-rules", #"[{"items":[1,2]},{"items":[4,5]}]"#)
        try store("rules", .icl, "k-rules|round1", round: 1, #"[{"items":[3,9]}]"#)
        return try WorkspaceSnapshot.load(workspace, path: path, datasets: [dataset], mode: .paper, baselineRunID: nil)
    }

    /// 120×30, the last run (#5) selected. The baselines come first, dimmed, "no model" in the
    /// formats column and the method across strategy, ratio and method. Precision CIs: two
    /// sessions scoring 0 and 1 resample to 0 a quarter of the time and to 1 a quarter, so the
    /// 2.5% and 97.5% points are 0 and 1. Every p is 1: against #1 (1, 1) each run differs on at
    /// most one session, so every sign flip is as extreme. Under the table: chance (4/45 + 1)/2 =
    /// 0.544 (see ScreenPictureTests); the best no-model run is same-category (1 against 0.5);
    /// #5's rounds 1 and 0.5: mean 0.750, SD √((0.25² + 0.25²)/1) = 0.354, range 0.500; its
    /// bundles have 2 products each, and x2's answer is [1,2]: share 1/2; against #3 it differs on
    /// x10 only: p 1. The chart: labels 33 wide, bars 118 − 33 − 8 = 77 cells; baselines in ░
    /// (0.5 × 77 = 38.5 → 39 cells), the others in eighths (0.5: 308 eighths = 38 █ and ▌);
    /// chance in cell ⌊0.544 × 77⌋ = ⌊41.9⌋ = 41, over the full bars, and two cells past the half
    /// ones, whose values move past it.
    /// The fixture on the Experiments screen, `width` × 30, the last run (#5) selected.
    static func model(width: Int) throws -> AppModel {
        _ = utf8Locale
        let dataset = workbenchDataset()
        var m = AppModel(datasets: [dataset], sourceLabel: "fixture", width: width, height: 30)
        _ = update(&m, .resized(width: width, height: 30))
        _ = update(&m, .workspaceLoaded(try Self.snapshot(dataset: dataset)))
        m.activeScreen = .experiments
        _ = send(&m, .char("G"))
        return m
    }

    @Test func baselineRowsChanceAndRoundSpread() throws {
        var m = try Self.model(width: 120)
        let expected = """
             BundleKD   1 Sessions   2 Extract   3 Knowledge   4 Compare   5 Experiments                                    fixture
            ┌─ Next grid ──────────────────────────────────────────────────────────────────────────────────────────────────────────┐
            │none [x] patterns [x] rules [x] thoughts · random · ratios 0.05 · 10 tests                                            │
            │4 cells per domain, icl · Enter starts · b baseline · m mode · c chart                                                │
            └──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘
            ┌─ Runs · paper mode · 95% CIs · p vs baseline ────────────────────────────────────────────────────────────────────────┐
            │formats  strat… rat… method  precision [CI]    recall cover n   tokens p                                              │
            │no model random              0.500 [0.00,1.00] 0.500  1.000 2   0      1.000                                          │
            │no model same-category       1.000 [1.00,1.00] 0.750  0.833 2   0      1.000                                          │
            │none     -      -    icl     1.000 [1.00,1.00] 0.750  1.000 2   120    base                                           │
            │rules    random 0.5  icl     1.000 [1.00,1.00] 1.000  0.889 2   170    1.000                                          │
            │rules    random 0.5  icl r2  0.500 [0.00,1.00] 0.500  1.000 2   170    1.000                                          │
            │                                                                                                                      │
            │                                                                                                                      │
            │                                                                                                                      │
            │                                                                                                                      │
            │                                                                                                                      │
            │chance 0.544 (a random pair, exact) · best no-model same-category 1.000 · food · 2 sessions                           │
            │#5 · 2 rounds 0.750 ± 0.354 SD, range 0.500 · 2.00 items/bundle · [1,2] share 0.50 · p vs same-category 1.000         │
            └──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘
            ┌─ precision by format, strategy, ratio · ░ no model · ┆ chance · c: metric ───────────────────────────────────────────┐
            │food no model random              ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  ┆ 0.500                                    │
            │food no model same-category       ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░┆░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░ 1.000 │
            │food none icl                     █████████████████████████████████████████┆███████████████████████████████████ 1.000 │
            │food rules random 0.5 icl         █████████████████████████████████████████┆███████████████████████████████████ 1.000 │
            │food rules random 0.5 icl round 2 ██████████████████████████████████████▌  ┆ 0.500                                    │
            │                                                                                                                      │
            │                                                                                                                      │
            └──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘
             jk run  b baseline  c chart  prt formats  Enter grid  ? help
            """
        let buffer = view(m)
        #expect(buffer.lines().joined(separator: "\n") == expected)
        // The baseline rows are dimmed; the chance mark over same-category's bar (row 22, cell
        // 41 of the bars, which start at column 1 + 33 + 1) is highlighted, the shade beside it not.
        #expect(buffer.style(of: "no model random") == m.theme.muted)
        #expect(buffer[76, 22].symbol == "┆" && buffer[76, 22].style == m.theme.filter)
        #expect(buffer[75, 22].symbol == "░" && buffer[75, 22].style == m.theme.muted)
    }

    /// 100 wide the run line (109 columns, see above) is cut to the 98 inside the frame: its
    /// spans reach column 82 with "0.50", leaving 16 for " · p vs same-category ", so 15 of it
    /// and "…".
    @Test func aLongDetailLineEndsInAnEllipsis() throws {
        let m = try Self.model(width: 100)
        #expect(
            view(m).lines()[18]
                == "│#5 · 2 rounds 0.750 ± 0.354 SD, range 0.500 · 2.00 items/bundle · [1,2] share 0.50 · p vs same-ca…│"
        )
    }
    /// Compare with a baseline as run A: it is called a baseline, not a student, and its prompt
    /// line says no model answered; a model run beside it stays "Student B".
    @Test func compareNamesABaselineRun() throws {
        var m = try Self.model(width: 120)
        _ = update(&m, .resized(width: 120, height: 50))  // room for the prompt lines under the answers
        m.activeScreen = .compare
        var text = ""
        for _ in 0..<6 {
            text = view(m).lines().joined(separator: "\n")
            if text.contains("A food none random #2") { break }
            _ = send(&m, .char("r"))
        }
        #expect(text.contains("A food none random #2"))
        _ = send(&m, .char("b"))
        text = view(m).lines().joined(separator: "\n")
        #expect(text.contains("Baseline A (no model)  precision"))
        #expect(text.contains("A no prompt (no model: random)"))
        #expect(text.contains("Student B  precision"))  // #5, a model run
    }
}
