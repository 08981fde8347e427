import Foundation
import Pipeline

/// Plain-text renderings for the `data` commands.
enum StatisticsTable {
    static let headers = [
        "domain", "sessions", "with bundles", "bundles", "deduplicated",
        "avg bundle size", "avg session length", "items", "untitled items",
    ]

    static func render(_ rows: [DatasetStatistics]) -> String {
        let cells = rows.map { row in
            [
                row.domain, "\(row.sessions)", "\(row.sessionsWithBundles)", "\(row.bundles)",
                "\(row.bundlesAfterDeduplication)", String(format: "%.3f", row.averageBundleSize),
                String(format: "%.3f", row.averageSessionLength), "\(row.items)", "\(row.untitledItems)",
            ]
        }
        return TextTable.render(headers: headers, rows: cells, leftAligned: [0])
    }
}

/// A minimal fixed-width text table (first column left-aligned, numbers right-aligned).
enum TextTable {
    static func render(headers: [String], rows: [[String]], leftAligned: Set<Int>) -> String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return leftAligned.contains(column) ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}

enum SessionReport {
    static func render(_ session: Session, in dataset: Dataset) -> String {
        var lines = [
            "session \(session.id) · \(dataset.domain)" + (session.sourceID.map { " · BundleRec session \($0)" } ?? "")
                + (session.user.map { " · user \($0)" } ?? "")
                + (session.timestamp.map { " · \(ISO8601DateFormatter.day.string(from: $0))" } ?? "")
        ]
        lines.append("items:")
        for (position, id) in session.itemIDs.enumerated() {
            let item = dataset.item(id)
            let bundles = session.bundleIndices(containing: id).map { "B\($0 + 1)" }.joined(separator: ",")
            lines.append("  \(position + 1). [\(id)] \(item.displayTitle)")
            lines.append(
                "     category: \(item.categoryPaths.map { $0.joined(separator: " > ") }.joined(separator: " | ").nonEmpty ?? "none")"
                    + "  bundles: \(bundles.nonEmpty ?? "none")")
        }
        let kept = Set(Preprocessing.deduplicate(session.bundles).map(\.id))
        lines.append("ground-truth bundles:")
        for (index, bundle) in session.bundles.enumerated() {
            let positions = bundle.itemIDs.compactMap { session.itemIDs.firstIndex(of: $0).map { "\($0 + 1)" } }
            let note = kept.contains(bundle.id) ? "" : "  (dropped by deduplication)"
            lines.append(
                "  B\(index + 1) [\(bundle.id)] \"\(bundle.intent.trimmingCharacters(in: .whitespacesAndNewlines))\": items \(positions.joined(separator: ", "))\(note)"
            )
        }
        if session.bundles.isEmpty { lines.append("  none") }
        return lines.joined(separator: "\n")
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let day: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter
    }()
}
