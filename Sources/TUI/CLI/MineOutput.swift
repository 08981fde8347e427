import Foundation
import Pipeline

/// Renderings of a mining report: a summary line, a table, JSON and CSV.
enum MineOutput {
    static func summary(_ report: PatternReport, title: String, listed: Int, parseSeconds: Double?) -> String {
        let sizes = report.itemsets.countsBySize().sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(
            separator: " ")
        let minSupport = report.transactions.absoluteSupport(report.options.minSupport)
        var line =
            "\(title): \(report.transactions.count) transactions, support ≥ \(minSupport) "
            + "(\(report.options.minSupport * 100)%), \(report.itemsets.count) itemsets [\(sizes)], "
            + "\(listed) listed, \(report.rules.count) rules; FP-growth \(String(format: "%.2f", report.miningSeconds * 1000)) ms"
            + (report.rulesSeconds > 0 ? ", rules \(String(format: "%.2f", report.rulesSeconds * 1000)) ms" : "")
        if let parseSeconds { line += " (file read in \(String(format: "%.2f", parseSeconds * 1000)) ms)" }
        return line + "; " + report.options.ruleSupport.explanation
    }

    static func table(_ report: PatternReport, itemsets: FrequentItemsets, target: MineTarget, limit: Int) -> String {
        if target == .rules {
            let rules = limit == 0 ? report.rules : Array(report.rules.prefix(limit))
            let rows = rules.map { rule in
                [
                    rule.body.map { report.displayNames[Int($0)] }.sorted().joined(separator: " + "),
                    report.displayNames[Int(rule.head)], "\(rule.supportCount)", String(format: "%.4f", rule.support),
                    String(format: "%.3f", rule.confidence), String(format: "%.2f", rule.lift),
                    String(format: "%.4f", rule.leverage),
                    rule.conviction.isInfinite ? "inf" : String(format: "%.2f", rule.conviction),
                ]
            }
            return TextTable.render(
                headers: ["body", "head", "count", "support", "confidence", "lift", "leverage", "conviction"],
                rows: rows, leftAligned: [0, 1])
        }
        let shown = limit == 0 ? itemsets.count : min(limit, itemsets.count)
        let rows = (0..<shown).map { k in
            [
                itemsets.itemset(k).map { report.displayNames[Int($0)] }.sorted().joined(separator: " + "),
                "\(itemsets.size(k))", "\(itemsets.supports[k])", String(format: "%.4f", itemsets.relativeSupport(k)),
            ]
        }
        return TextTable.render(headers: ["itemset", "size", "count", "support"], rows: rows, leftAligned: [0])
    }

    /// The report as one JSON object, keys in sorted order, written straight as bytes.
    static func json(
        _ report: PatternReport, itemsets: FrequentItemsets, target: MineTarget, title: String
    ) -> [UInt8] {
        let names = report.displayNames.map(JSONWriter.encoded)
        // Items are listed by name: ranking the names once replaces a string sort per itemset.
        var rank = [Int](repeating: 0, count: names.count)
        let byName = report.displayNames.indices.sorted { report.displayNames[$0] < report.displayNames[$1] }
        for (position, id) in byName.enumerated() { rank[id] = position }
        var out = JSONWriter(capacity: target == .rules ? report.rules.count * 160 : itemsets.items.count * 12)
        func list<S: Sequence>(_ ids: S) where S.Element == Int32 {
            out.raw("[")
            for (index, id) in ids.map(Int.init).sorted(by: { rank[$0] < rank[$1] }).enumerated() {
                if index > 0 { out.raw(",") }
                out.raw(names[id])
            }
            out.raw("]")
        }
        func options() {
            out.raw("\"minConfidence\":")
            out.number(report.options.minConfidence)
            out.raw(",\"minSupport\":")
            out.number(report.options.minSupport)
            out.raw(",\"ruleSupport\":")
            out.string(report.options.ruleSupport.rawValue)
            out.raw(",\"ruleSupportMeaning\":")
            out.string(report.options.ruleSupport.explanation)
        }
        out.raw("{")
        if target == .rules {
            options()
            out.raw(",\"rules\":[")
            for (index, rule) in report.rules.enumerated() {
                out.raw(index > 0 ? ",{\"body\":" : "{\"body\":")
                list(rule.body)
                out.raw(",\"confidence\":")
                out.number(rule.confidence)
                out.raw(",\"conviction\":")
                if rule.conviction.isInfinite { out.raw("\"inf\"") } else { out.number(rule.conviction) }
                out.raw(",\"count\":")
                out.number(rule.supportCount)
                out.raw(",\"head\":")
                out.raw(names[Int(rule.head)])
                out.raw(",\"leverage\":")
                out.number(rule.leverage)
                out.raw(",\"lift\":")
                out.number(rule.lift)
                out.raw(",\"support\":")
                out.number(rule.support)
                out.raw("}")
            }
            out.raw("]")
        } else {
            out.raw("\"itemsets\":[")
            for k in 0..<itemsets.count {
                out.raw(k > 0 ? ",{\"count\":" : "{\"count\":")
                out.number(Int(itemsets.supports[k]))
                out.raw(",\"items\":")
                list(itemsets.itemset(k))
                out.raw(",\"support\":")
                out.number(itemsets.relativeSupport(k))
                out.raw("}")
            }
            out.raw("],")
            options()
        }
        out.raw(",\"source\":")
        out.string(title)
        out.raw(",\"transactions\":")
        out.number(report.transactions.count)
        out.raw("}")
        return out.bytes
    }

    static func csv(_ report: PatternReport, itemsets: FrequentItemsets, target: MineTarget) -> String {
        func quote(_ field: String) -> String {
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        if target == .rules {
            return "body,head,count,support,confidence,lift,leverage,conviction\n"
                + report.rules.map { rule in
                    [
                        rule.body.map { report.displayNames[Int($0)] }.sorted().joined(separator: " + "),
                        report.displayNames[Int(rule.head)],
                        "\(rule.supportCount)", "\(rule.support)", "\(rule.confidence)", "\(rule.lift)",
                        "\(rule.leverage)",
                        rule.conviction.isInfinite ? "inf" : "\(rule.conviction)",
                    ].map(quote).joined(separator: ",") + "\n"
                }.joined()
        }
        return "itemset,size,count,support\n"
            + (0..<itemsets.count).map { k in
                [
                    itemsets.itemset(k).map { report.displayNames[Int($0)] }.sorted().joined(separator: " "),
                    "\(itemsets.size(k))", "\(itemsets.supports[k])", "\(itemsets.relativeSupport(k))",
                ].map(quote).joined(separator: ",") + "\n"
            }.joined()
    }
}
