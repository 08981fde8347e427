import Foundation
import Testing
@testable import Pipeline
@testable import TUI

/// `mine --format json` writes its bytes directly; they must parse to the same object that
/// JSONSerialization builds from the report here, as a second implementation.
struct MineOutputTests {
    /// Names with a quote, a backslash, a tab and non-ASCII text, so escaping is exercised.
    let names = ["b \"quoted\"", "a\\path", "tab\there", "ü-umlaut", "c"]
    /// 4 only ever comes with 3, so the rule 4 → 3 has confidence 1 (conviction infinite).
    let transactions = [[0, 1, 2], [0, 1], [1, 2, 3], [0, 1, 2], [3, 4], [0, 2], [3, 4]]

    func report() throws -> PatternReport {
        var options = PatternOptions()
        options.minSupport = 0.25
        options.minConfidence = 0.1
        options.minSize = 1
        options.maxSize = 3
        let set = TransactionSet(transactions)
        let displayNames = set.labels.map { names[Int($0)!] }
        return try CategoryPatterns.mine(set, displayNames: displayNames, options: options, withRules: true)
    }

    func reference(_ report: PatternReport, rules: Bool) -> [String: Any] {
        var object: [String: Any] = [
            "source": "t.txt", "transactions": report.transactions.count,
            "minSupport": report.options.minSupport, "minConfidence": report.options.minConfidence,
            "ruleSupport": report.options.ruleSupport.rawValue,
            "ruleSupportMeaning": report.options.ruleSupport.explanation,
        ]
        let named = { (ids: [Int32]) in ids.map { report.displayNames[Int($0)] }.sorted() }
        if rules {
            object["rules"] = report.rules.map { rule -> [String: Any] in
                [
                    "body": named(rule.body), "head": report.displayNames[Int(rule.head)],
                    "count": rule.supportCount, "support": rule.support, "confidence": rule.confidence,
                    "lift": rule.lift, "leverage": rule.leverage,
                    "conviction": rule.conviction.isInfinite ? "inf" : rule.conviction as Any,
                ]
            }
        } else {
            let sets = report.itemsets
            object["itemsets"] = (0..<sets.count).map { k -> [String: Any] in
                ["items": named(Array(sets.itemset(k))), "count": Int(sets.supports[k]), "support": sets.relativeSupport(k)]
            }
        }
        return object
    }

    @Test(arguments: [false, true])
    func parsesToTheReferenceObject(rules: Bool) throws {
        let report = try report()
        #expect(report.itemsets.count > 5 && report.rules.count > 3)  // something to compare
        #expect(report.rules.contains { $0.conviction.isInfinite })  // the "inf" case is covered
        let bytes = MineOutput.json(
            report, itemsets: report.itemsets, target: rules ? .rules : .itemsets, title: "t.txt")
        // Both sides through one canonical serialisation, so the comparison is of values.
        let canonical = { (object: Any) in
            String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        #expect(try canonical(JSONSerialization.jsonObject(with: Data(bytes))) == canonical(reference(report, rules: rules)))
    }

    @Test func escapesLikeRFC8259() {
        #expect(String(decoding: JSONWriter.encoded("a\"b\\c\nd\u{1}é"), as: UTF8.self) == #""a\"b\\c\nd\u0001é""#)
    }
}
