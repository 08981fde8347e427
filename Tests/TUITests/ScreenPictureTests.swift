import Foundation
import Testing
@testable import Pipeline
@testable import TUI

/// Whole-screen pictures of the Extract, Knowledge, Compare and Experiments screens at 80×24
/// (and 160×48 where the layout differs) on the hand-made fixture of WorkbenchFixture.swift,
/// like SessionsScreenTests. Each picture was drawn, read row by row against the fixture, and
/// every number in it is worked out in the comment above it.
struct ScreenPictureTests {
    private func picture(_ m: AppModel) -> String { view(m).lines().joined(separator: "\n") }

    // MARK: Extract

    /// Idle: all three stages on, random, 0.1, the 2-session default limit; 78 columns inside
    /// the frame; the call list is max(28, 80/3) = 28 wide, the call pane the remaining 52.
    @Test func extractBeforeAnyRun() throws {
        let m = try workbenchModel(.extract)
        let expected = """
             BundleKD   1 Sessions   2 Extract   3 Knowledge   4 Compare   5 Experiments
            ┌─ Teacher extraction ─────────────────────────────────────────────────────────┐
            │[x] patterns [x] rules [x] thoughts · random · ratio 0.1 · 2 sessions         │
            │p r t stages · s strategy · + - ratio · n sessions · Enter starts             │
            └──────────────────────────────────────────────────────────────────────────────┘
            ┌─ Calls 0 · following ────┐┌─ Call ───────────────────────────────────────────┐
            │nothing yet               ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            └──────────────────────────┘└──────────────────────────────────────────────────┘
             no extraction yet: choose stages and quantity, then Enter
             prt stages  s strategy  +- ratio  Enter start  Space pause  ? help
            """
        #expect(picture(m) == expected)
        let buffer = view(m)
        let toggles = try #require(buffer.find("[x] patterns"))
        #expect(
            buffer.styleRuns(row: toggles.y).map(\.style).prefix(3) == [
                m.theme.borderFocused, m.theme.filter, m.theme.base,
            ])
    }

    /// The first tokens of a rules call: the call is listed as streaming (…), its 19-character
    /// prompt ("Judge these bundles") collapsed, and the status line says the run waits for its
    /// first progress report instead of repeating the idle hint.
    @Test func extractWhileTheTeacherStreams() throws {
        var m = try workbenchModel(.extract)
        startRulesCall(&m)
        let expected = """
             BundleKD   1 Sessions   2 Extract   3 Knowledge   4 Compare   5 Experiments
            ┌─ Teacher extraction ─────────────────────────────────────────────────────────┐
            │[x] patterns [x] rules [x] thoughts · random · ratio 0.1 · 2 sessions         │
            │ RUNNING   Space pauses · Esc cancels                                         │
            └──────────────────────────────────────────────────────────────────────────────┘
            ┌─ Calls 1 · following ────┐┌─ rules · food/t1 ────────────────────────────────┐
            │… rules    food/t1        ││▸ Prompt  (19 characters · c shows)               │
            │                          ││Teacher  streaming…                               │
            │                          ││{"rules":                                         │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            └──────────────────────────┘└──────────────────────────────────────────────────┘
             waiting for the first step…
             ▶ extract  rules on 2 sessions
            """
        #expect(picture(m) == expected)
    }

    /// Once parsed: the answer pretty-printed, "Parsed 1 rule", and the totals 1/2 steps,
    /// 3 calls (1 cached), 300+40 tokens, 1 item; elapsed 0 s (a stored snapshot, not the
    /// clock), so 0 tok/s; the local teacher has no price, so no cost is shown.
    @Test func extractAfterTheCallIsParsed() throws {
        var m = try workbenchModel(.extract)
        startRulesCall(&m)
        finishRulesCall(&m)
        _ = send(&m, .char("c"))
        let expected = """
             BundleKD   1 Sessions   2 Extract   3 Knowledge   4 Compare   5 Experiments
            ┌─ Teacher extraction ─────────────────────────────────────────────────────────┐
            │[x] patterns [x] rules [x] thoughts · random · ratio 0.1 · 2 sessions         │
            │ RUNNING   Space pauses · Esc cancels                                         │
            └──────────────────────────────────────────────────────────────────────────────┘
            ┌─ Calls 1 · following ────┐┌─ rules · food/t1 ────────────────────────────────┐
            │✓ rules    food/t1        ││▾ Prompt  (19 characters · c collapses)           │
            │                          ││Judge these bundles                               │
            │                          ││                                                  │
            │                          ││Teacher  done                                     │
            │                          ││{                                                 │
            │                          ││  "rules" : [                                     │
            │                          ││    "keep tea"                                    │
            │                          ││  ]                                               │
            │                          ││}                                                 │
            │                          ││                                                  │
            │                          ││Parsed 1 rule                                     │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            │                          ││                                                  │
            └──────────────────────────┘└──────────────────────────────────────────────────┘
             rules step 1/2 · 3 calls (1 cached) · 300+40 tok · 0 tok/s · 1 item · 0.0 s
             ▶ extract  rules on 2 sessions
            """
        #expect(picture(m) == expected)
    }

    // MARK: Knowledge

    /// Ratio 1.0: all 4 training sessions. Tea + Teaware is in 2 of 4 bundles (50.0%), always
    /// together (conf 100%), lift 1/(2/4) = 2.0; Milk + Sweeteners 1 of 4 (25.0%), lift 4.0.
    /// The prompt holds the one stored rule; its token count is checked in ScreensTests.
    @Test func knowledgePatternsAtRatioOne() throws {
        var m = try workbenchModel(.knowledge)
        _ = send(&m, .char("+"), .char("+"), .char("+"))
        let expected = """
             BundleKD   1 Sessions   2 Extract   3 Knowledge   4 Compare   5 Experiments
            ┌─ Student knowledge · food ───────────────────────────────────────────────────┐
            │[ ] patterns [x] rules [ ] thoughts · random 1.0 = 4 sessions                 │
            └──────────────────────────────────────────────────────────────────────────────┘
            ┌─ [patterns] rules thoughts ──────────┐┌─ Prompt · food/x10 · 188 tokens ─────┐
            │pattern (sorted …  supp  conf  lift   ││A bundle is a set of products a       │
            │Tea + Teaware      50.0%  100%   2.0  ││shopper would buy together for one    │
            │Milk + Sweeteners  25.0%  100%   4.0  ││purpose: alternatives or complements  │
            │                                      ││that share an intent.                 │
            │                                      ││                                      │
            │                                      ││Rules for finding bundles:            │
            │                                      ││1. Keep tea with its teaware.         │
            │                                      ││                                      │
            │                                      ││Products in this food shopping        │
            │                                      ││session:                              │
            │                                      ││product1: Sencha Green Tea [Tea]      │
            └──────────────────────────────────────┘│product2: 抹茶 Matcha Powder [Tea]    │
            ┌─ Provenance ─────────────────────────┐│product3: Tea Whisk [Teaware]         │
            │Tea + Teaware                         ││product4: Butter Biscuits [Cookies]   │
            │mined from the sample's ground-truth  ││product5: Shortbread [Cookies]        │
            │bundles: 2 bundles                    ││product6: Garden Hose [Garden]        │
            │                                      ││product7: 玉露 Gyokuro [Tea]          │
            └──────────────────────────────────────┘└──────────────────────────────────J K─┘
             ←→ list  prt format  s strategy  +- ratio  n session  ? help
            """
        #expect(picture(m) == expected)
    }

    /// The rules list: the stored rule is in the sample (●), with its provenance: session
    /// food/t1, error category partial, call 1, 10+5 tokens.
    @Test func knowledgeRulesWithProvenance() throws {
        var m = try workbenchModel(.knowledge)
        _ = send(&m, .char("+"), .char("+"), .char("+"), .right)
        let expected = """
             BundleKD   1 Sessions   2 Extract   3 Knowledge   4 Compare   5 Experiments
            ┌─ Student knowledge · food ───────────────────────────────────────────────────┐
            │[ ] patterns [x] rules [ ] thoughts · random 1.0 = 4 sessions                 │
            └──────────────────────────────────────────────────────────────────────────────┘
            ┌─ patterns [rules] thoughts ──────────┐┌─ Prompt · food/x10 · 188 tokens ─────┐
            │● in the sample   rule                ││A bundle is a set of products a       │
            │● 1. Keep tea with its teaware.       ││shopper would buy together for one    │
            │                                      ││purpose: alternatives or complements  │
            │                                      ││that share an intent.                 │
            │                                      ││                                      │
            │                                      ││Rules for finding bundles:            │
            │                                      ││1. Keep tea with its teaware.         │
            │                                      ││                                      │
            │                                      ││Products in this food shopping        │
            │                                      ││session:                              │
            │                                      ││product1: Sencha Green Tea [Tea]      │
            └──────────────────────────────────────┘│product2: 抹茶 Matcha Powder [Tea]    │
            ┌─ Provenance ─────────────────────────┐│product3: Tea Whisk [Teaware]         │
            │sessions food/t1                      ││product4: Butter Biscuits [Cookies]   │
            │errors partial                        ││product5: Shortbread [Cookies]        │
            │teacher local · calls 1 · 10+5 tokens ││product6: Garden Hose [Garden]        │
            │1. Keep tea with its teaware.         ││product7: 玉露 Gyokuro [Tea]          │
            └──────────────────────────────────────┘└──────────────────────────────────J K─┘
             ←→ list  prt format  s strategy  +- ratio  n session  ? help
            """
        #expect(picture(m) == expected)
    }

    // MARK: Compare

    /// x10 with run #2 (A) beside run #1 (B). A: [1,2] is a subset of ●1 (hit), [3,9] partial
    /// (miss): precision 1/2, recall 1/2, coverage 2/3 of ●1. B: [1,2,3] is ●1 exactly:
    /// precision 1/1, recall 1/2, coverage 1. Both hit x10 and x2 is excluded (A did not parse): no
    /// flip. The 20 content rows do not hold it all: J K.
    @Test func compareTwoRunsOnOneSession() throws {
        var m = try workbenchModel(.compare)
        _ = send(&m, .char("b"))
        let expected = """
             BundleKD   1 Sessions   2 Extract   3 Knowledge   4 Compare   5 Experiments
            ┌─ Compare · x10 (1/2) · paper mode ───────────────────────────────────────────┐
            │A food rules random 0.5 icl #2  (r R)                                         │
            │B food none icl #1  (b)                                                       │
            │flips A → B 0 miss → hit, 0 hit → miss  (f F)                                 │
            │                                                                              │
            │ #  Item                                                 Truth  A      B      │
            │ 1  Sencha Green Tea                                     ●1     A1     B1     │
            │ 2  抹茶 Matcha Powder                                   ●1     A1     B1     │
            │ 3  Tea Whisk                                            ●1     A2     B1     │
            │ 4  Butter Biscuits                                      ●2                   │
            │ 5  Shortbread                                           ●2                   │
            │ 6  Garden Hose                                                               │
            │ 7  玉露 Gyokuro                                                              │
            │ 8  Oat Milk                                                                  │
            │ 9  Lemon                                                       A2            │
            │10  Honey                                                                     │
            │                                                                              │
            │Ground truth                                                                  │
            │●1             items 1, 2, 3  Tea tasting                                     │
            │●2             items 4, 5  Biscuits                                           │
            │                                                                              │
            └──────────────────────────────────────────────────────────────────────────J K─┘
             jk session  n next miss  r run  b vs run  m mode  ? help
            """
        #expect(picture(m) == expected)
        let buffer = view(m)
        let row = try #require(buffer.find(" 1  Sencha")).y
        #expect(
            buffer.styleRuns(row: row).filter { $0.text.hasPrefix("A") || $0.text.hasPrefix("B") }.map(\.style)
                == [m.theme.subset, m.theme.exact])
    }

    /// Scrolled by 3 × 3 rows: each student's bundles with their categories, then the knowledge in
    /// each prompt (none: run #2's 0.5 sample of the four training sessions misses t1, the rule's).
    @Test func compareScrolledToTheStudentsBundles() throws {
        var m = try workbenchModel(.compare)
        _ = send(&m, .char("b"), .char("J"), .char("J"), .char("J"))
        let expected = """
             BundleKD   1 Sessions   2 Extract   3 Knowledge   4 Compare   5 Experiments
            ┌─ Compare · x10 (1/2) · paper mode ───────────────────────────────────────────┐
            │ 5  Shortbread                                           ●2                   │
            │ 6  Garden Hose                                                               │
            │ 7  玉露 Gyokuro                                                              │
            │ 8  Oat Milk                                                                  │
            │ 9  Lemon                                                       A2            │
            │10  Honey                                                                     │
            │                                                                              │
            │Ground truth                                                                  │
            │●1             items 1, 2, 3  Tea tasting                                     │
            │●2             items 4, 5  Biscuits                                           │
            │                                                                              │
            │Student A  precision 0.50 · recall 0.50 · coverage 0.67 · 1 of 2 bundles hit  │
            │A1 subset      items 1, 2  Green tea  ≈ ●1                                    │
            │A2 partial     items 3, 9  Odd pair  ≈ ●1                                     │
            │                                                                              │
            │Student B  precision 1.00 · recall 0.50 · coverage 1.00 · 1 of 1 bundle hit   │
            │B1 exact       items 1, 2, 3  Tea tasting  ≈ ●1                               │
            │                                                                              │
            │Knowledge in the prompts                                                      │
            │A none                                                                        │
            └──────────────────────────────────────────────────────────────────────────J K─┘
             jk session  n next miss  r run  b vs run  m mode  ? help
            """
        #expect(picture(m) == expected)
    }

    // MARK: Experiments

    /// Run #1 (none): precision 1, recall (1/2 + 1/1)/2 = 0.75, coverage 1, 100+20 tokens.
    /// Run #2 (rules): x2 excluded, so n = 1: precision 0.5, recall 0.5, coverage 2/3, 170
    /// tokens (50 of them the teacher's). The chart is 78 − 25 − 8 = 45 cells: 1.0 fills 45,
    /// 0.5 is 180 eighths = 22 cells and a half block. The next grid: none + 3 formats = 4 cells.
    /// Chance (the first run's sessions): x10 has 45 pairs, 3 inside ●1 {1,2,3} and 1 inside ●2
    /// {4,5}, so 4/45; x2's one pair is its bundle, 1; (4/45 + 1)/2 = 49/90 = 0.544. Its mark is
    /// cell ⌊0.544 × 45⌋ = ⌊24.5⌋ = 24: over run #1's bar, and one cell past #2's 23-cell bar, which
    /// pushes the value one cell on. Under the table, run #1: bundles of 3 and 2 products, 2.50 per
    /// bundle; x2's answer is [1,2], x10's is not: share 1/2. No no-model run, so no p against one.
    @Test func experimentsTableAndPrecisionChart() throws {
        let m = try workbenchModel(.experiments)
        let expected = """
             BundleKD   1 Sessions   2 Extract   3 Knowledge   4 Compare   5 Experiments
            ┌─ Next grid ──────────────────────────────────────────────────────────────────┐
            │none [x] patterns [x] rules [x] thoughts · random · ratios 0.05 · 10 tests    │
            │4 cells per domain, icl · Enter starts · b baseline · m mode · c chart        │
            └──────────────────────────────────────────────────────────────────────────────┘
            ┌─ Runs · paper mode · 95% CIs · p vs baseline ────────────────────────────────┐
            │formats  strat… rat… method  precision [CI]    recall cover n   tokens p      │
            │none     -      -    icl     1.000 [1.00,1.00] 0.750  1.000 2   120    base   │
            │rules    random 0.5  icl     0.500 [0.50,0.50] 0.500  0.667 1   170    1.000  │
            │                                                                              │
            │                                                                              │
            │                                                                              │
            │                                                                              │
            │chance 0.544 (a random pair, exact) · no no-model run · food · 2 sessions     │
            │#1 · 2.50 items/bundle · [1,2] share 0.50                                     │
            └──────────────────────────────────────────────────────────────────────────────┘
            ┌─ precision by format, strategy, ratio · ░ no model · ┆ chance · c: metric ───┐
            │food none icl             ████████████████████████┆████████████████████ 1.000 │
            │food rules random 0.5 icl ██████████████████████▌ ┆ 0.500                     │
            │                                                                              │
            │                                                                              │
            │                                                                              │
            └──────────────────────────────────────────────────────────────────────────────┘
             jk run  b baseline  c chart  prt formats  Enter grid  ? help
            """
        #expect(picture(m) == expected)
    }

    /// Recall: 0.75 × 45 = 33.75 cells = 33 full and 6/8 (▊). Chance is a precision: no mark here.
    @Test func experimentsRecallChart() throws {
        var m = try workbenchModel(.experiments)
        _ = send(&m, .char("c"))
        let expected = """
             BundleKD   1 Sessions   2 Extract   3 Knowledge   4 Compare   5 Experiments
            ┌─ Next grid ──────────────────────────────────────────────────────────────────┐
            │none [x] patterns [x] rules [x] thoughts · random · ratios 0.05 · 10 tests    │
            │4 cells per domain, icl · Enter starts · b baseline · m mode · c chart        │
            └──────────────────────────────────────────────────────────────────────────────┘
            ┌─ Runs · paper mode · 95% CIs · p vs baseline ────────────────────────────────┐
            │formats  strat… rat… method  precision [CI]    recall cover n   tokens p      │
            │none     -      -    icl     1.000 [1.00,1.00] 0.750  1.000 2   120    base   │
            │rules    random 0.5  icl     0.500 [0.50,0.50] 0.500  0.667 1   170    1.000  │
            │                                                                              │
            │                                                                              │
            │                                                                              │
            │                                                                              │
            │chance 0.544 (a random pair, exact) · no no-model run · food · 2 sessions     │
            │#1 · 2.50 items/bundle · [1,2] share 0.50                                     │
            └──────────────────────────────────────────────────────────────────────────────┘
            ┌─ recall by format, strategy, ratio · ░ no model · c: metric ─────────────────┐
            │food none icl             █████████████████████████████████▊ 0.750            │
            │food rules random 0.5 icl ██████████████████████▌ 0.500                       │
            │                                                                              │
            │                                                                              │
            │                                                                              │
            └──────────────────────────────────────────────────────────────────────────────┘
             jk run  b baseline  c chart  prt formats  Enter grid  ? help
            """
        #expect(picture(m) == expected)
    }

    /// 160 wide: a domain column, a CI for every metric (the recall CI of run #1 is the
    /// bootstrap range of its two sessions' recalls, 0.5 and 1.0) and the cost columns: no
    /// teacher row, so no share of it; the fixture's answers log no calls; 1 s over 2 sessions. The
    /// method column is 15 wide ("mined-pairs r2" and a space). Rows below 9 are the same
    /// empty frame and chart as at 80 columns, only wider.
    @Test func experimentsWideLayout() throws {
        let m = try workbenchModel(.experiments, width: 160, height: 48)
        let expected = """
             BundleKD   1 Sessions   2 Extract   3 Knowledge   4 Compare   5 Experiments                                                                            fixture
            ┌─ Next grid ──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐
            │none [x] patterns [x] rules [x] thoughts · random · ratios 0.05 · 10 tests                                                                                    │
            │4 cells per domain, icl · Enter starts · b baseline · m mode · c chart                                                                                        │
            └──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────┘
            ┌─ Runs · paper mode · 95% CIs · p vs baseline ────────────────────────────────────────────────────────────────────────────────────────────────────────────────┐
            │domain     formats  strategy   ratio method         precision [95% CI]   recall [95% CI]      coverage [95% CI]    n    tokens  p       ×teacher calls s/sess │
            │food       none     -          -     icl            1.000 [1.00,1.00]    0.750 [0.50,1.00]    1.000 [1.00,1.00]    2    120     base    -        0.0   0.5    │
            │food       rules    random     0.5   icl            0.500 [0.50,0.50]    0.500 [0.50,0.50]    0.667 [0.67,0.67]    1    170     1.000   -        0.0   0.5    │
            """
        #expect(Array(view(m).lines().prefix(9)) == expected.components(separatedBy: "\n"))
    }
}
