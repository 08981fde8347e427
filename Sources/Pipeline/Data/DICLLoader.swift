import Foundation

/// Loads the processed DICL Electronic split (`dicl-electronic/`): ASIN items, deduplicated
/// ground truth, the 623/180 train/test split (the remainder is validation) and the top-10
/// training neighbours of each test session. Categories and BundleRec session ids come from the
/// BundleRec Electronic folder when it is found (`../bundlerec/electronic` by default).
public enum DICLLoader {
    public static func isDICLFolder(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("session_items.json"))
    }

    public static func load(folder: String, bundleRecFolder: String? = nil) throws -> Dataset {
        let file = { (name: String) in (folder as NSString).appendingPathComponent(name) }
        let sessionItems = try JSONFile.decode([String: [String]].self, from: file("session_items.json"))
        let groundTruth = try JSONFile.decode(
            [String: [DICLBundle]].self, from: file("session_bundles_deduplication.json"))
        let titles = try JSONFile.decode([String: String].self, from: file("item_titles.json"))
        let train = try JSONFile.decode([String: String].self, from: file("training_set.json"))
        let test = try JSONFile.decode([String: String].self, from: file("test_set.json"))
        let topK = try JSONFile.decode([String: [Int]].self, from: file("TopK_related_sessions.json"))
        guard !sessionItems.isEmpty else {
            throw DataError(file: file("session_items.json"), "empty dataset: no sessions")
        }

        let bundleRec =
            bundleRecFolder
            ?? ((folder as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("bundlerec/electronic")
        let join = try BundleRecJoin.load(folder: bundleRec)
        let sourceIDs = try loadSessionMap(file("session_id_map.csv"))

        var items: [String: Item] = [:]
        for asin in Set(sessionItems.values.joined()) {
            items[asin] = Item(
                id: asin, title: titles[asin].map(HTMLEntities.decode),
                categoryPaths: join?.categories(forASIN: asin) ?? [])
        }
        let sessions = sessionItems.keys.sorted { Int($0) ?? 0 < Int($1) ?? 0 }.map { id in
            let bundles = (groundTruth[id] ?? []).enumerated().map { index, bundle in
                GroundTruthBundle(id: "\(id).\(index + 1)", itemIDs: bundle.items, intent: bundle.intent)
            }
            return Session(id: id, itemIDs: sessionItems[id]!, bundles: bundles, sourceID: sourceIDs[id])
        }
        var split: [String: SplitRole] = [:]
        for session in sessions {
            split[session.id] = train[session.id] != nil ? .train : test[session.id] != nil ? .test : .validation
        }
        let neighbours = topK.mapValues { $0.map(String.init) }
        return Dataset(
            domain: "electronic", sessions: sessions, items: items, split: split,
            splitSource: .dicl, neighbours: neighbours)
    }

    struct DICLBundle: Decodable {
        let intent: String
        let items: [String]
    }

    static func loadSessionMap(_ path: String) throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let table = try CSVTable(path: path, columns: ["dicl session ID", "bundlerec session ID", "split"])
        var map: [String: String] = [:]
        for row in table.rows { map[String(try table.integer(row, 0))] = String(try table.integer(row, 1)) }
        return map
    }
}

/// ASIN → BundleRec categories, through `item_idx_mapping.csv` and `item_categories.csv`.
struct BundleRecJoin {
    let categoriesByASIN: [String: [[String]]]

    func categories(forASIN asin: String) -> [[String]]? { categoriesByASIN[asin] }

    /// `nil` when the folder is absent: the DICL split is still usable, only without categories.
    static func load(folder: String) throws -> BundleRecJoin? {
        let file = { (name: String) in (folder as NSString).appendingPathComponent(name) }
        guard FileManager.default.fileExists(atPath: file("item_idx_mapping.csv")) else { return nil }
        let mapping = try CSVTable(path: file("item_idx_mapping.csv"), columns: ["item ID", "source ID"])
        let categories = try CSVTable(path: file("item_categories.csv"), columns: ["item ID", "categories"])
        var pathsByID: [String: [[String]]] = [:]
        for row in categories.rows {
            pathsByID[row.fields[0]] = (try? CategoryPaths.parse(row.fields[1])) ?? []
        }
        var byASIN: [String: [[String]]] = [:]
        for row in mapping.rows {
            if let paths = pathsByID[row.fields[0]] { byASIN[row.fields[1]] = paths }
        }
        return BundleRecJoin(categoriesByASIN: byASIN)
    }
}

/// Decodes a JSON file, turning Foundation's errors into one line that names the file.
public enum JSONFile {
    public static func decode<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        let text = try TextFile.read(path)
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw DataError(file: path, field: error.codingPathDescription, error.shortDescription)
        }
    }
}

extension DecodingError {
    var codingPathDescription: String? {
        let path: [CodingKey]
        switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context),
            .keyNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        @unknown default: return nil
        }
        return path.isEmpty ? nil : path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    var shortDescription: String {
        switch self {
        case .typeMismatch(let type, _): return "expected \(Self.jsonName(type))"
        case .valueNotFound(let type, _): return "missing \(Self.jsonName(type))"
        case .keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case .dataCorrupted(let context):
            if let underlying = context.underlyingError as NSError?,
                let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
            {
                return "not valid JSON: \(detail)"
            }
            if let value = Self.invalidValue(context.debugDescription) { return value }
            return "not valid JSON: \(context.debugDescription)"
        @unknown default: return "cannot be decoded"
        }
    }

    /// A Swift type as the JSON a file must hold there ("a list", not "Array<Any>").
    static func jsonName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Array") { return "a list" }
        if name.hasPrefix("Dictionary") { return "an object" }
        switch name {
        case "String": return "a string"
        case "Int", "Int64", "Double": return "a number"
        case "Bool": return "true or false"
        default: return name
        }
    }

    /// "Cannot initialize SplitRole from invalid String value bogus" (an enum's raw value) in the
    /// file's words, with the values it takes.
    static func invalidValue(_ description: String) -> String? {
        let pattern = #/Cannot initialize (\w+) from invalid \w+ value (.*)/#
        guard let match = description.firstMatch(of: pattern) else { return nil }
        let allowed = ["SplitRole": SplitRole.allCases.map(\.rawValue)][String(match.1)]
        return "'\(match.2)' is not a valid value" + (allowed.map { " (use \($0.joined(separator: ", ")))" } ?? "")
    }
}
