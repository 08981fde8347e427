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

    static func json(_ report: PatternReport, itemsets: FrequentItemsets, target: MineTarget, title: String) -> String {
        var object: [String: Any] = [
            "source": title, "transactions": report.transactions.count,
            "minSupport": report.options.minSupport, "minConfidence": report.options.minConfidence,
            "ruleSupport": report.options.ruleSupport.rawValue,
            "ruleSupportMeaning": report.options.ruleSupport.explanation,
        ]
        if target == .rules {
            object["rules"] = report.rules.map { rule -> [String: Any] in
                [
                    "body": rule.body.map { report.displayNames[Int($0)] }.sorted(),
                    "head": report.displayNames[Int(rule.head)],
                    "count": rule.supportCount, "support": rule.support, "confidence": rule.confidence,
                    "lift": rule.lift,
                    "leverage": rule.leverage,
                    "conviction": rule.conviction.isInfinite ? "inf" : rule.conviction as Any,
                ]
            }
        } else {
            object["itemsets"] = (0..<itemsets.count).map { k -> [String: Any] in
                [
                    "items": itemsets.itemset(k).map { report.displayNames[Int($0)] }.sorted(),
                    "count": Int(itemsets.supports[k]), "support": itemsets.relativeSupport(k),
                ]
            }
        }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
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
