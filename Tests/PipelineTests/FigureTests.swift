import Foundation
import Testing
@testable import Pipeline

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The figures, drawn by the real matplotlib (installed by scripts/setup-figures.sh when missing)
/// and checked by parsing the SVG: the axes' labels, the title, and one group per series or bar.
@Suite(.serialized)
struct FigureTests {
    /// Every element's id and every text, from a parsed SVG.
    final class SVGReader: NSObject, XMLParserDelegate {
        var ids: [String] = []
        var texts: [String] = []
        private var inText = false
        private var current = ""

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if let id = attributes["id"] { ids.append(id) }
            if name == "text" || name == "tspan" { inText = true }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" {
                texts.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
                inText = false
            }
        }

        static func read(_ path: String) throws -> SVGReader {
            let reader = SVGReader()
            let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
            parser.delegate = reader
            #expect(parser.parse(), "\(path) is not well-formed XML")
            return reader
        }
    }

    /// A workspace with zero-shot, rules at ratios 0.1 and 0.2 by icl and at 0.1 by sft, each
    /// answering one session, an attribution of two rules on the 0.1 icl run, and the three
    /// sample-free no-model baselines: random [1,3], first-pair [1,2], same-category [2,3].
    static func workspace() throws -> (Workspace, Dataset) {
        let items = Dictionary(
            uniqueKeysWithValues: ["a", "b", "c"].map { ($0, Item(id: $0, title: "T \($0)", categoryPaths: [])) })
        let test = Session(
            id: "x", itemIDs: ["a", "b", "c"], bundles: [GroundTruthBundle(id: "g", itemIDs: ["a", "b"], intent: "i")])
        let dataset = Dataset(domain: "food", sessions: [test], items: items, split: ["x": .test])
        let workspace = try Workspace()
        func run(_ formats: String, _ ratio: Double, _ method: UtilisationMethod, _ bundles: String) throws {
            let record = RunRecord(
                id: nil, key: "\(formats)\(ratio)\(method)", createdAt: Date(), domain: "food", student: "local",
                formats: FormatSet(label: formats)!, strategy: .random, ratio: ratio, method: method, seed: 42,
                sessions: 1, studentPromptTokens: 1, studentCompletionTokens: 1, teacherTokens: 0, seconds: 1,
                status: .done)
            try workspace.store(
                record,
                predictions: [
                    PredictionRecord(
                        id: nil, runId: 0, sessionId: "x", rawText: "", bundles: bundles, parseError: nil, callId: nil)
                ])
        }
        try run("none", 0.1, .icl, #"[{"items":[1,3]}]"#)
        try run("rules", 0.1, .icl, #"[{"items":[1,2]}]"#)
        try run("rules", 0.2, .icl, #"[{"items":[1,2]}]"#)
        try run("rules", 0.1, .sft, #"[{"items":[2,3]}]"#)
        try run("none", 0.1, .random, #"[{"items":[1,3]}]"#)
        try run("none", 0.1, .firstPair, #"[{"items":[1,2]}]"#)
        try run("none", 0.1, .sameCategory, #"[{"items":[2,3]}]"#)
        for (position, text) in ["1. Keep pairs.", "2. Name the intent."].enumerated() {
            let piece = KnowledgePiece(format: .rule, text: text)
            try workspace.store(
                AblationRecord(
                    id: nil, runId: 2, unit: piece.key, position: position, pieces: KnowledgeItem.json([piece]),
                    sessionId: "x", rawText: "", bundles: #"[{"items":[1,3]}]"#, parseError: nil, callIds: "[]"))
        }
        return (workspace, dataset)
    }

    func draw(_ figure: Figure) throws -> SVGReader {
        let (workspace, dataset) = try Self.workspace()
        let report = try ExperimentReport.build(workspace: workspace, datasets: [dataset], mode: .paper)
        let run = try #require(try workspace.runs().first { $0.id == 2 })
        let attribution = try AttributionReport.build(workspace: workspace, run: run, dataset: dataset, mode: .paper)
        let output = NSTemporaryDirectory() + "bundlekd-\(figure.rawValue)-\(UUID().uuidString).svg"
        defer { try? FileManager.default.removeItem(atPath: output) }
        try Figure.render(
            try Figure.payload(figure, report: report, attribution: attribution), to: output, report: { _ in })
        #expect(!FileManager.default.fileExists(atPath: output + ".part"))
        return try SVGReader.read(output)
    }

    /// x has 3 products, so 3 pairs, of which only (1,2) lies in its bundle {a,b}: chance 1/3.
    /// random [1,3] and same-category [2,3] miss (precision, recall and coverage 0); first-pair
    /// [1,2] is the bundle: precision 1, recall 1/1, coverage 2/2. Chance first, then by run id;
    /// one test set, so no label names it; chance has no recall or coverage.
    @Test func thePayloadCarriesTheNoModelReferenceLines() throws {
        let (workspace, dataset) = try Self.workspace()
        let report = try ExperimentReport.build(workspace: workspace, datasets: [dataset], mode: .paper)
        let payload = try #require(
            try JSONSerialization.jsonObject(with: try Figure.payload(.rq2, report: report)) as? [String: Any])
        let references = try #require(payload["references"] as? [[String: Any]])
        #expect(references.map { $0["id"] as? String } == ["chance", "random", "first-pair", "same-category"])
        #expect(references.map { $0["kind"] as? String } == ["chance", "baseline", "baseline", "baseline"])
        #expect(
            references.map { $0["label"] as? String } == [
                "chance 0.333 (random pair)", "random (no model)", "first-pair (no model)",
                "same-category (no model)",
            ])
        #expect(abs((references[0]["precision"] as? Double ?? -1) - 1.0 / 3) < 1e-12)
        #expect(references[0]["recall"] == nil && references[0]["coverage"] == nil)
        for (index, value) in [(1, 0.0), (2, 1.0), (3, 0.0)] {
            for metric in ["precision", "recall", "coverage"] {
                #expect(references[index][metric] as? Double == value, "\(references[index]) \(metric)")
            }
        }
    }

    @Test func rq1HasABarPerMetricAndFormat() throws {
        let svg = try draw(.rq1)
        // icl cells: none, rules 0.1, rules 0.2 → three bars per metric.
        for metric in ["precision", "recall", "coverage"] {
            #expect(svg.ids.filter { $0.hasPrefix("bars-\(metric)-") }.count == 3, "\(metric): \(svg.ids)")
        }
        #expect(svg.texts.contains("knowledge format (icl)") && svg.texts.contains("score (95% CI)"))
        #expect(svg.texts.contains { $0.hasPrefix("RQ1 · knowledge formats · food, 1 test session · paper mode") })
        // One panel of all three metrics: the no-model lines are precisions.
        for id in ["chance", "random", "first-pair", "same-category"] {
            #expect(svg.ids.contains("reference-precision-\(id)"), "\(svg.ids)")
        }
        #expect(!svg.ids.contains("reference-recall-random"))
        #expect(
            svg.texts.contains("precision · chance 0.333 (random pair)")
                && svg.texts.contains("precision · first-pair (no model)"))
    }

    @Test func rq2DrawsARatioCurveWithItsBandPerMethod() throws {
        let svg = try draw(.rq2)
        for metric in ["precision", "recall", "coverage"] {
            #expect(svg.ids.contains("series-\(metric)-rules-random-icl"))
            #expect(svg.ids.contains("band-\(metric)-rules-random-icl"))
            #expect(svg.ids.contains("series-\(metric)-rules-random-sft"))
            #expect(svg.ids.contains("zero-shot-\(metric)"))
            for method in ["random", "first-pair", "same-category"] {
                #expect(svg.ids.contains("reference-\(metric)-\(method)"))
                #expect(svg.ids.contains("reference-label-\(metric)-\(method)"))
            }
        }
        // Chance is a precision: a line on that panel only. No baseline is a ratio curve.
        #expect(svg.ids.contains("reference-precision-chance") && !svg.ids.contains("reference-recall-chance"))
        #expect(!svg.ids.contains { $0.hasPrefix("series-precision-none") || $0.contains("mined-pairs") })
        #expect(svg.texts.filter { $0 == "same-category (no model)" }.count == 3)
        #expect(svg.texts.filter { $0 == "sampling ratio" }.count == 3)
        #expect(svg.texts.contains("rules random icl") && svg.texts.contains("none (zero-shot)"))
    }

    @Test func rq3GroupsBarsByMethod() throws {
        let svg = try draw(.rq3)
        // icl bars: none, rules 0.1, rules 0.2; sft: rules 0.1 only.
        #expect(svg.ids.filter { $0.hasPrefix("bars-precision-icl-") }.count == 3)
        #expect(svg.ids.filter { $0.hasPrefix("bars-precision-sft-") }.count == 1)
        #expect(svg.texts.contains("icl") && svg.texts.contains("sft"))
        // The baselines are lines, not bars of their own.
        #expect(!svg.ids.contains { $0.hasPrefix("bars-precision-random") })
        #expect(svg.ids.contains("reference-coverage-same-category") && svg.ids.contains("reference-precision-chance"))
    }

    /// Both rules left out make x answer [1,3] (a miss) where the run answered [1,2] (a hit):
    /// each helped one session, Δprecision +1.
    @Test func theAttributionFigureHasABarPerUnit() throws {
        let svg = try draw(.attribution)
        #expect(svg.ids.filter { $0.hasPrefix("bars-effect-") }.count == 2)
        #expect(svg.texts.contains { $0.hasPrefix("rule “1. Keep pairs.") && $0.hasSuffix("(+1 / -0)") })
        #expect(svg.texts.contains("Δprecision when the item is in the prompt (95% CI)"))
    }

    @Test func anUnknownExtensionIsOneLineAndWritesNothing() throws {
        let output = NSTemporaryDirectory() + "bundlekd-figure.gif"
        #expect(throws: DataError.self) {
            try Figure.render(Data("{}".utf8), to: output, report: { _ in })
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
