import Testing
@testable import TUI

struct DemoAndChartTests {
    @Test func demoScriptsParseIntoKeysCaptionsAndWaits() throws {
        let script = try DemoScript.parse(
            """
            # a comment
            caption Hello there
            screen knowledge
            keys j Enter Space
            type ab
            palette theme light
            wait 1.5
            wait-idle
            quit
            """)
        #expect(
            script.steps == [
                .messages([.caption("Hello there")]),
                .messages([.key(.char("3"))]),
                .messages([.key(.char("j")), .key(.enter), .key(.char(" "))]),
                .messages([.key(.char("a")), .key(.char("b"))]),
                .messages([.key(.char(":"))] + "theme light".map { .key(.char($0)) } + [.key(.enter)]),
                .wait(1.5), .waitIdle(900), .quit,
            ])
    }

    @Test func badDemoLinesNameTheFileAndLine() {
        #expect(throws: DemoScript.Failure.self) { try DemoScript.parse("keys j\nfly away", file: "talk.txt") }
        do { _ = try DemoScript.parse("keys j\nfly away", file: "talk.txt") } catch {
            #expect("\(error)".hasPrefix("talk.txt:2: unknown command 'fly'"))
        }
        // Each must throw, and with exactly this line: a parse that stops throwing fails here.
        func failure(_ text: String) -> String? {
            do { _ = try DemoScript.parse(text, file: "t"); return nil } catch { return "\(error)" }
        }
        #expect(failure("wait soon") == "t:1: wait needs a number of seconds, got 'soon'")
        #expect(failure("keys Ctrl+Q") == "t:1: unknown key 'Ctrl+Q'")
    }

    /// 0.3 of 10 cells is 24 eighths: 3 full cells. 0.55 of 4 cells is 17.6 → 18 eighths: 2 full and a ¼ block.
    @Test func barsResolveToEighthsOfACell() {
        #expect(BarChart.bar(0.3, maximum: 1, width: 10) == "███")
        #expect(BarChart.bar(0.55, maximum: 1, width: 4) == "██▎")
        #expect(BarChart.bar(2, maximum: 1, width: 3) == "███")
        #expect(BarChart.bar(0, maximum: 1, width: 3) == "")
    }
}
