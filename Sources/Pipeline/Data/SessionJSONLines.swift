import Foundation
import Synchronization

/// The project's own dataset format: JSON Lines, one self-contained session per line.
///
/// ```json
/// {"domain":"food","id":"f001","user":"u9","timestamp":1404864000,"split":"train",
///  "items":[{"id":"F100","title":"Sencha Green Tea, 20 bags","categories":[["Grocery","Tea","Green"]]}],
///  "bundles":[{"id":"f001-1","items":["F100","F101"],"intent":"Afternoon tea break"}]}
/// ```
/// `user`, `timestamp`, `split`, a title and a bundle `id` may be left out. An item that appears
/// in several lines must be described the same way each time.
public enum SessionJSONLines {
    struct Line: Codable, Equatable {
        var domain: String
        var id: String
        var user: String?
        var timestamp: Int?
        var split: SplitRole?
        var items: [ItemLine]
        var bundles: [BundleLine]
    }

    struct ItemLine: Codable, Equatable {
        var id: String
        var title: String?
        var categories: [[String]]?
    }

    struct BundleLine: Codable, Equatable {
        var id: String?
        var items: [String]
        var intent: String
    }

    /// Reads a `.jsonl` file into one dataset per domain, in order of first appearance.
    public static func load(path: String) throws -> [Dataset] {
        try parse(TextFile.read(path), file: path)
    }

    /// The same for text already read; `file` names it in errors.
    public static func parse(_ text: String, file path: String) throws -> [Dataset] {
        var domains: [String] = []
        var sessions: [String: [Session]] = [:]
        var firstLine: [String: [String: Int]] = [:]  // domain → session id → the line that defined it
        var items: [String: [String: Item]] = [:]
        var splits: [String: [String: SplitRole]] = [:]
        for (index, decoded) in decodedLines(text, file: path).enumerated() {
            let lineNumber = index + 1
            guard let line = try decoded.get() else { continue }  // a blank line
            if sessions[line.domain] == nil { domains.append(line.domain) }
            for item in line.items {
                let parsed = Item(id: item.id, title: item.title, categoryPaths: item.categories ?? [])
                if let known = items[line.domain]?[item.id], known != parsed {
                    throw DataError(
                        file: path, line: lineNumber, field: "items",
                        "item \(item.id) differs from its earlier description")
                }
                items[line.domain, default: [:]][item.id] = parsed
            }
            if let first = firstLine[line.domain]?[line.id] {
                throw DataError(
                    file: path, line: lineNumber, field: "id",
                    "session \(line.id) of \(line.domain) is also on line \(first); ids must be unique within a domain")
            }
            firstLine[line.domain, default: [:]][line.id] = lineNumber
            sessions[line.domain, default: []].append(try session(from: line, file: path, line: lineNumber))
            if let role = line.split { splits[line.domain, default: [:]][line.id] = role }
        }
        guard !domains.isEmpty else { throw DataError(file: path, "empty dataset: no session lines") }
        return domains.map { domain in
            let split = splits[domain] ?? [:]
            let complete = split.count == sessions[domain]!.count
            return Dataset(
                domain: domain, sessions: sessions[domain]!, items: items[domain] ?? [:],
                split: complete ? split : [:], splitSource: complete ? .file : .none)
        }
    }

    /// Every line decoded (nil: blank), on all cores: lines are independent, and the checks
    /// across lines run afterwards in order, so the first error reported is the first in the file.
    static func decodedLines(_ text: String, file: String) -> [Result<Line?, Error>] {
        // Lines are split as UTF-8 bytes: splitting 8 MB as Characters took a third of the load.
        let raw = lines(text)
        let chunks = min(raw.count, max(1, ProcessInfo.processInfo.activeProcessorCount) * 4)
        let results = Mutex([[Result<Line?, Error>]](repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = (raw.count * chunk / chunks)..<(raw.count * (chunk + 1) / chunks)
            let decoded = range.map { index -> Result<Line?, Error> in
                let line = raw[index]
                if line.allSatisfy({ $0 == 0x20 || (0x09...0x0D).contains($0) }) { return .success(nil) }
                return Result { try decodeLine(line, file: file, line: index + 1) }
            }
            results.withLock { $0[chunk] = decoded }
        }
        return results.withLock { $0.flatMap { $0 } }
    }

    /// Each line of `text` (without its newline), found by memchr over the contiguous UTF-8 bytes
    /// (the generic `firstIndex(of:)` on the view took 7 % of the load).
    static func lines(_ text: String) -> [Substring.UTF8View] {
        let whole = Substring(text)
        let utf8 = whole.utf8
        let lengths: [Int] =
            utf8.withContiguousStorageIfAvailable { bytes in
                guard let base = bytes.baseAddress else { return [0] }
                var lengths: [Int] = []
                var offset = 0
                while let found = memchr(base + offset, 0x0A, bytes.count - offset) {
                    let newline = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                    lengths.append(newline - offset)
                    offset = newline + 1
                }
                lengths.append(bytes.count - offset)
                return lengths
            } ?? utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map(\.count)
        var lines: [Substring.UTF8View] = []
        lines.reserveCapacity(lengths.count)
        var start = utf8.startIndex
        for length in lengths {
            let end = utf8.index(start, offsetBy: length)
            lines.append(whole[start..<end].utf8)
            if end < utf8.endIndex { start = utf8.index(after: end) }
        }
        return lines
    }

    /// The fast scanner reads a well-formed line; anything it does not expect goes to JSONDecoder,
    /// which decides and names what is wrong.
    static func decodeLine(_ raw: Substring.UTF8View, file: String, line: Int) throws -> Line {
        if let fast = SessionLineScanner.line(raw) { return fast }
        do {
            return try JSONDecoder().decode(Line.self, from: Data(raw))
        } catch let error as DecodingError {
            throw DataError(file: file, line: line, field: error.codingPathDescription, error.shortDescription)
        }
    }

    static func session(from line: Line, file: String, line number: Int) throws -> Session {
        let ids = line.items.map(\.id)
        guard Set(ids).count == ids.count else {
            throw DataError(file: file, line: number, field: "items", "session \(line.id) lists an item twice")
        }
        let bundles = try line.bundles.enumerated().map { index, bundle in
            if let stray = bundle.items.first(where: { !ids.contains($0) }) {
                throw DataError(
                    file: file, line: number, field: "bundles.\(index).items",
                    "item \(stray) is not one of the session's items")
            }
            return GroundTruthBundle(
                id: bundle.id ?? "\(line.id)-\(index + 1)", itemIDs: bundle.items, intent: bundle.intent)
        }
        return Session(
            id: line.id, itemIDs: ids, user: line.user,
            timestamp: line.timestamp.map { Date(timeIntervalSince1970: TimeInterval($0)) },
            bundles: bundles)
    }

    /// One line per session, keys sorted so the output is stable under version control.
    public static func encode(_ dataset: Dataset) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try dataset.sessions.map { session in
            let line = Line(
                domain: dataset.domain, id: session.id, user: session.user,
                timestamp: session.timestamp.map { Int($0.timeIntervalSince1970) },
                split: dataset.split[session.id],
                items: session.itemIDs.map { id in
                    let item = dataset.item(id)
                    return ItemLine(id: id, title: item.title, categories: item.categoryPaths)
                },
                bundles: session.bundles.map { BundleLine(id: $0.id, items: $0.itemIDs, intent: $0.intent) })
            return String(decoding: try encoder.encode(line), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
    }
}
