import Foundation

/// Loads one domain of the original BundleRec release (`dataset/<domain>/*.csv`).
///
/// Sessions keep their items in file order, bundles keep `session_bundle.csv` order, and every
/// session is returned, with or without bundles: preprocessing decides what to keep.
public enum BundleRecLoader {
    static let requiredFiles = [
        "session_item.csv", "session_bundle.csv", "bundle_item.csv",
        "bundle_intent.csv", "item_titles.csv", "item_categories.csv",
    ]

    public static func isBundleRecFolder(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("session_item.csv"))
    }

    public static func load(folder: String, domain: String? = nil) throws -> Dataset {
        let file = { (name: String) in (folder as NSString).appendingPathComponent(name) }
        for name in requiredFiles where !FileManager.default.fileExists(atPath: file(name)) {
            throw DataError(
                file: file(name),
                "file not found (a BundleRec domain folder needs \(requiredFiles.joined(separator: ", ")))")
        }
        let sessionItems = try CSVTable(path: file("session_item.csv"), columns: ["session ID", "item ID"])
        let sessionBundles = try CSVTable(path: file("session_bundle.csv"), columns: ["session ID", "bundle ID"])
        let bundleItems = try CSVTable(path: file("bundle_item.csv"), columns: ["bundle ID", "item ID"])
        let intents = try CSVTable(path: file("bundle_intent.csv"), columns: ["bundle ID", "intent"])
        let items = try loadItems(
            titles: CSVTable(path: file("item_titles.csv"), columns: ["item ID", "titles"]),
            categories: CSVTable(path: file("item_categories.csv"), columns: ["item ID", "categories"]))
        let owners =
            FileManager.default.fileExists(atPath: file("user_session.csv"))
            ? try loadOwners(CSVTable(path: file("user_session.csv"), columns: ["user ID", "session ID", "timestamp"]))
            : [:]

        var order: [Int] = []
        var itemsBySession: [Int: [String]] = [:]
        for row in sessionItems.rows {
            let session = try sessionItems.integer(row, 0)
            let item = try sessionItems.integer(row, 1)
            if itemsBySession[session] == nil { order.append(session) }
            itemsBySession[session, default: []].append(String(item))
        }
        guard !order.isEmpty else {
            throw DataError(file: sessionItems.file, "no sessions: the file has a header and no rows")
        }

        var intentByBundle: [Int: String] = [:]
        for row in intents.rows { intentByBundle[try intents.integer(row, 0)] = row.fields[1] }
        var itemsByBundle: [Int: [String]] = [:]
        var linesByBundle: [Int: [Int]] = [:]  // where each member was listed, for error messages
        for row in bundleItems.rows {
            let bundle = try bundleItems.integer(row, 0)
            itemsByBundle[bundle, default: []].append(String(try bundleItems.integer(row, 1)))
            linesByBundle[bundle, default: []].append(row.line)
        }

        var bundlesBySession: [Int: [GroundTruthBundle]] = [:]
        for row in sessionBundles.rows {
            let session = try sessionBundles.integer(row, 0)
            let bundle = try sessionBundles.integer(row, 1)
            guard let members = itemsByBundle[bundle] else {
                throw DataError(
                    file: bundleItems.file, field: "bundle ID",
                    "bundle \(bundle) (session_bundle.csv:\(row.line)) has no items")
            }
            guard let intent = intentByBundle[bundle] else {
                throw DataError(
                    file: intents.file, field: "bundle ID",
                    "bundle \(bundle) (session_bundle.csv:\(row.line)) has no intent")
            }
            guard let sessionMembers = itemsBySession[session] else {
                throw DataError(
                    file: sessionBundles.file, line: row.line, field: "session ID",
                    "session \(session) has no items in session_item.csv")
            }
            if let stray = members.firstIndex(where: { !sessionMembers.contains($0) }) {
                throw DataError(
                    file: bundleItems.file, line: linesByBundle[bundle]?[stray], field: "item ID",
                    "bundle \(bundle) holds item \(members[stray]), which is not in session \(session)")
            }
            bundlesBySession[session, default: []].append(
                GroundTruthBundle(id: String(bundle), itemIDs: members, intent: intent))
        }

        let sessions = order.sorted().map { id in
            Session(
                id: String(id), itemIDs: itemsBySession[id]!, user: owners[id].map { String($0.user) },
                timestamp: owners[id].map { Date(timeIntervalSince1970: TimeInterval($0.time)) },
                bundles: bundlesBySession[id] ?? [])
        }
        let name = domain ?? (folder as NSString).standardizingPath.components(separatedBy: "/").last ?? folder
        return Dataset(domain: name, sessions: sessions, items: items)
    }

    static func loadItems(titles: CSVTable, categories: CSVTable) throws -> [String: Item] {
        // Items without a title or category anywhere: a truncated export, not a domain.
        for table in [titles, categories] where table.rows.isEmpty {
            throw DataError(file: table.file, line: 2, "no items: the file has a header and no rows")
        }
        var titleByID: [String: String] = [:]
        for row in titles.rows { titleByID[String(try titles.integer(row, 0))] = HTMLEntities.decode(row.fields[1]) }
        var pathsByID: [String: [[String]]] = [:]
        for row in categories.rows {
            let id = String(try categories.integer(row, 0))
            do {
                pathsByID[id] = try CategoryPaths.parse(row.fields[1])
            } catch {
                throw DataError(
                    file: categories.file, line: row.line, field: categories.columnName(1),
                    "expected a list like [[a,b],[c]]")
            }
        }
        var items: [String: Item] = [:]
        for id in Set(titleByID.keys).union(pathsByID.keys) {
            items[id] = Item(id: id, title: titleByID[id], categoryPaths: pathsByID[id] ?? [])
        }
        return items
    }

    static func loadOwners(_ table: CSVTable) throws -> [Int: (user: Int, time: Int)] {
        var owners: [Int: (user: Int, time: Int)] = [:]
        for row in table.rows {
            owners[try table.integer(row, 1)] = (try table.integer(row, 0), try table.integer(row, 2))
        }
        return owners
    }
}
