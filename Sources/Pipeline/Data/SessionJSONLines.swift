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
        try forEachDecodedLine(text, file: path) { lineNumber, decoded in
            guard let (line, session) = try decoded.get() else { return }  // a blank line
            if sessions[line.domain] == nil { domains.append(line.domain) }
            try items[line.domain, default: [:]].addDescriptions(line.items, file: path, line: lineNumber)
            if let first = firstLine[line.domain]?[line.id] {
                throw DataError(
                    file: path, line: lineNumber, field: "id",
                    "session \(line.id) of \(line.domain) is also on line \(first); ids must be unique within a domain")
            }
            firstLine[line.domain, default: [:]][line.id] = lineNumber
            sessions[line.domain, default: []].append(try session.get())
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

    /// A line read, and the session it makes or why it cannot (reported after the checks across
    /// lines that come before it, as when everything ran in order).
    typealias DecodedLine = (line: Line, session: Result<Session, Error>)

    /// Hands every line, decoded (nil: blank), to `check` in file order, with its 1-based number.
    /// Lines are independent, so chunks of them are decoded on every core, while `check` (the
    /// checks across lines) runs on the calling thread over each chunk as soon as it is done.
    /// The first error `check` throws is the first in the file; decoding stops soon after it.
    static func forEachDecodedLine(
        _ text: String, file: String, _ check: (Int, Result<DecodedLine?, Error>) throws -> Void
    ) throws {
        var text = text
        text.makeContiguousUTF8()
        try text.utf8.withContiguousStorageIfAvailable { bytes in
            nonisolated(unsafe) let whole = bytes  // only read, by every core
            // Lines are split as UTF-8 bytes: splitting 8 MB as Characters took a third of the load.
            let raw = lines(whole)
            // Eight chunks on two cores: each chunk's pool still sees many repeats, and a busy core
            // holds up one small chunk, not half the file.
            let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
            let chunks = min(raw.count, cores * 4)
            let results = Mutex([[Result<DecodedLine?, Error>]](repeating: [], count: chunks))
            let finished = (0..<chunks).map { _ in DispatchSemaphore(value: 0) }
            let unclaimed = Atomic<Int>(0)
            let stopped = Atomic<Bool>(false)
            /// Decodes the next chunk nobody has taken; false when none is left (or the checks stopped).
            @Sendable func decodeNextChunk() -> Bool {
                let chunk = unclaimed.wrappingAdd(1, ordering: .relaxed).oldValue
                guard chunk < chunks else { return false }
                defer { finished[chunk].signal() }
                guard !stopped.load(ordering: .relaxed) else { return false }
                let pool = SessionLineScanner.Pool(lines: raw.count / chunks)
                let range = (raw.count * chunk / chunks)..<(raw.count * (chunk + 1) / chunks)
                let decoded = range.map { index in
                    decodedLine(
                        UnsafeBufferPointer(rebasing: whole[raw[index]]), pool: pool, file: file, line: index + 1)
                }
                results.withLock { $0[chunk] = decoded }
                return true
            }
            let group = DispatchGroup()
            // Every chunk must be done with the bytes before this scope ends, error or not.
            defer {
                stopped.store(true, ordering: .relaxed)
                group.wait()
            }
            for _ in 0..<min(chunks, cores) {
                DispatchQueue.global().async(group: group) { while decodeNextChunk() {} }
            }
            for chunk in 0..<chunks {
                // While its chunk is not done the calling thread decodes one nobody has taken: the
                // load finishes even when every pool thread is busy (or blocked, as a task may be).
                while finished[chunk].wait(timeout: .now()) == .timedOut {
                    if !decodeNextChunk() {
                        finished[chunk].wait()
                        break
                    }
                }
                let decoded = results.withLock { results in
                    defer { results[chunk] = [] }  // freed chunk by chunk, as the checks go
                    return results[chunk]
                }
                let first = raw.count * chunk / chunks
                for (offset, line) in decoded.enumerated() { try check(first + offset + 1, line) }
            }
        }!
    }

    static func decodedLine(
        _ line: UnsafeBufferPointer<UInt8>, pool: SessionLineScanner.Pool, file: String, line number: Int
    ) -> Result<DecodedLine?, Error> {
        if line.allSatisfy({ $0 == 0x20 || (0x09...0x0D).contains($0) }) { return .success(nil) }
        return Result {
            let read = try decodeLine(line, pool: pool, file: file, line: number)
            return (read, Result { try session(from: read, file: file, line: number) })
        }
    }

    /// The byte range of each line of `bytes` (without its newline), found by memchr (the generic
    /// `firstIndex(of:)` took 7 % of the load).
    static func lines(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        guard let base = bytes.baseAddress else { return [0..<0] }
        var lines: [Range<Int>] = []
        var offset = 0
        while let found = memchr(base + offset, 0x0A, bytes.count - offset) {
            let newline = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
            lines.append(offset..<newline)
            offset = newline + 1
        }
        lines.append(offset..<bytes.count)
        return lines
    }

    /// The fast scanner reads a well-formed line; anything it does not expect goes to JSONDecoder,
    /// which decides and names what is wrong.
    static func decodeLine(
        _ raw: UnsafeBufferPointer<UInt8>, pool: SessionLineScanner.Pool, file: String, line: Int
    ) throws -> Line {
        if let fast = SessionLineScanner.line(raw, pool: pool) { return fast }
        do {
            return try JSONDecoder().decode(Line.self, from: Data(buffer: raw))
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

extension [String: Item] {
    /// Adds a line's item descriptions; an item seen before must be described the same way.
    fileprivate mutating func addDescriptions(_ lines: [SessionJSONLines.ItemLine], file: String, line: Int) throws {
        for item in lines {
            let paths = item.categories ?? []
            if let known = index(forKey: item.id) {
                // Lists read by one pool share their arrays, so this is mostly a pointer check.
                guard values[known].title == item.title, values[known].categoryPaths == paths else {
                    throw DataError(
                        file: file, line: line, field: "items", "item \(item.id) differs from its earlier description")
                }
            } else {
                self[item.id] = Item(id: item.id, title: item.title, categoryPaths: paths)
            }
        }
    }
}
