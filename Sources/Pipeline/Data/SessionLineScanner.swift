import Foundation

/// A fast reader of one well-formed session line, straight from its UTF-8 bytes.
///
/// JSONDecoder spent two thirds of loading 5,550 sessions (8 MB) in generic Codable machinery.
/// This reads exactly the schema of `SessionJSONLines.Line` and gives up (nil) at anything
/// else — an unknown or repeated key, a number that is not a plain integer, a null where a value
/// is required, malformed JSON — so the caller decodes that line with JSONDecoder, whose error
/// names the field. It never decides that a line is wrong, only that it is easy.
struct SessionLineScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private let pool: Pool

    /// Category lists already read from the same bytes, shared by the lines of one chunk: every
    /// line repeats its items' categories, and the benchmark's 5,550 lines hold 33,932 lists of
    /// which 3,348 differ (8,643 counted per chunk of 8; 160,006 names, 2,015 distinct). Each
    /// list is read once per chunk and its arrays and strings shared. (Whole items repeat too
    /// rarely within a chunk, 15 %, to pay for the lookup.) The spans point into the file's bytes, so a pool must not outlive them.
    final class Pool {
        fileprivate var categories: [ByteSpan: [[String]]] = [:]

        /// Room for the lists of about `lines` session lines, so the table rarely grows.
        init(lines: Int = 0) { categories.reserveCapacity(lines) }
    }

    /// One line from bytes that stay valid as long as `pool` is used.
    static func line(_ bytes: UnsafeBufferPointer<UInt8>, pool: Pool) -> SessionJSONLines.Line? {
        var scanner = SessionLineScanner(bytes: bytes, pool: pool)
        guard let line = scanner.sessionLine() else { return nil }
        scanner.skipSpace()
        return scanner.index == bytes.count ? line : nil
    }

    /// One line on its own (nothing shared with other lines).
    static func line(_ raw: Substring.UTF8View) -> SessionJSONLines.Line? {
        raw.withContiguousStorageIfAvailable { line($0, pool: Pool()) } ?? nil
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, pool: Pool) {
        self.bytes = bytes
        self.pool = pool
    }

    // Each member reads its value and says whether it could (nil: refused). For an optional
    // key, .some(nil) is an explicit null, which JSONDecoder reads as absent too.

    private mutating func sessionLine() -> SessionJSONLines.Line? {
        var domain: String?, id: String?, user: String??, timestamp: Int??, split: SplitRole??
        var items: [SessionJSONLines.ItemLine]?, bundles: [SessionJSONLines.BundleLine]?
        let complete = object { key, scanner in
            switch key {
            case "domain" where domain == nil: domain = scanner.string(); return domain != nil
            case "id" where id == nil: id = scanner.string(); return id != nil
            case "user" where user == nil: user = scanner.nullable { $0.string() }; return user != nil
            case "timestamp" where timestamp == nil:
                timestamp = scanner.nullable { $0.integer() }
                return timestamp != nil
            case "split" where split == nil:
                split = scanner.nullable { $0.string().flatMap(SplitRole.init(rawValue:)) }
                return split != nil
            case "items" where items == nil:
                items = scanner.array { $0.item() }
                return items != nil
            case "bundles" where bundles == nil: bundles = scanner.array { $0.bundle() }; return bundles != nil
            default: return false
            }
        }
        guard complete, let domain, let id, let items, let bundles else { return nil }
        return SessionJSONLines.Line(
            domain: domain, id: id, user: user ?? nil, timestamp: timestamp ?? nil, split: split ?? nil, items: items,
            bundles: bundles)
    }

    private mutating func item() -> SessionJSONLines.ItemLine? {
        var id: String?, title: String??, categories: [[String]]??
        let complete = object { key, scanner in
            switch key {
            case "id" where id == nil: id = scanner.string(); return id != nil
            case "title" where title == nil: title = scanner.nullable { $0.string() }; return title != nil
            case "categories" where categories == nil:
                let pool = scanner.pool
                categories = scanner.nullable { $0.shared(&pool.categories) { $0.array { $0.array { $0.string() } } } }
                return categories != nil
            default: return false
            }
        }
        guard complete, let id else { return nil }
        return SessionJSONLines.ItemLine(id: id, title: title ?? nil, categories: categories ?? nil)
    }

    private mutating func bundle() -> SessionJSONLines.BundleLine? {
        var id: String??, items: [String]?, intent: String?
        let complete = object { key, scanner in
            switch key {
            case "id" where id == nil: id = scanner.nullable { $0.string() }; return id != nil
            case "items" where items == nil: items = scanner.array { $0.string() }; return items != nil
            case "intent" where intent == nil: intent = scanner.string(); return intent != nil
            default: return false
            }
        }
        guard complete, let items, let intent else { return nil }
        return SessionJSONLines.BundleLine(id: id ?? nil, items: items, intent: intent)
    }

    /// The value at the scanner read once per distinct text: its end is found by a structural skip,
    /// and its bytes looked up in the pool; a value read anew is kept only when the reader
    /// stopped exactly where the skip did.
    private mutating func shared<T>(_ table: inout [ByteSpan: T], _ read: (inout SessionLineScanner) -> T?) -> T? {
        skipSpace()
        let start = index
        guard let end = endOfValue(from: start) else { return nil }
        let span = ByteSpan(UnsafeBufferPointer(rebasing: bytes[start..<end]))
        if let known = table[span] {
            index = end
            return known
        }
        guard let value = read(&self) else { return nil }
        if index == end { table[span] = value }
        return value
    }

    /// Where the object or array starting at `start` ends (one past its closing bracket), counting
    /// brackets outside strings; nil when it does not start with one or never closes.
    private func endOfValue(from start: Int) -> Int? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "{") || bytes[start] == UInt8(ascii: "[") else {
            return nil
        }
        var depth = 0
        var position = start
        var inString = false
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if inString {
                if byte == UInt8(ascii: "\\") {
                    position += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return position }
            default: break
            }
        }
        return nil
    }

    // MARK: JSON pieces; each returns nil (or false) on anything it does not expect.

    /// `{ "key": value, … }`, calling `member` with the scanner at each value; false when the
    /// member refuses its key or value, or the object is malformed.
    private mutating func object(_ member: (String, inout SessionLineScanner) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = string(), take(UInt8(ascii: ":")) else { return false }
            let start = index
            guard member(key, &self), index > start else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    private mutating func array<T>(_ element: (inout SessionLineScanner) -> T?) -> [T]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var values: [T] = []
        if take(UInt8(ascii: "]")) { return values }
        repeat {
            guard let value = element(&self) else { return nil }
            values.append(value)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? values : nil
    }

    /// `null` as .some(nil), a value as .some(value), anything else nil (refused).
    private mutating func nullable<T>(_ value: (inout SessionLineScanner) -> T?) -> T?? {
        skipSpace()
        if bytes[index...].starts(with: Self.null) {
            index += 4
            return .some(nil)
        }
        guard let read = value(&self) else { return nil }
        return .some(read)
    }

    private static let null: [UInt8] = Array("null".utf8)
    private static let escapes: [UInt8: UInt8] = [
        UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
        UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
    ]

    private mutating func integer() -> Int? {
        skipSpace()
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digits = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        // A leading zero, a fraction or an exponent: JSONDecoder's rules for those are its own.
        if index == digits || (bytes[digits] == UInt8(ascii: "0") && index > digits + 1) { return nil }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            return nil
        }
        return Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    /// A string; escapes other than `\uXXXX` surrogate pairs and the two-character ones refuse.
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                defer { index += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            case UInt8(ascii: "\\"):
                index = start
                return escapedString()
            case 0..<0x20: return nil  // control characters must be escaped
            default: index += 1
            }
        }
        return nil
    }

    /// A string with escapes, decoded into UTF-8 bytes and made a String once (building it a
    /// scalar at a time cost 3 µs a title).
    private mutating func escapedString() -> String? {
        var utf8: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return String(decoding: utf8, as: UTF8.self) }
            if byte < 0x20 { return nil }
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                continue
            }
            guard index < bytes.count else { return nil }
            let escape = bytes[index]
            index += 1
            if let byte = Self.escapes[escape] {
                utf8.append(byte)
                continue
            }
            guard escape == UInt8(ascii: "u"), var code = hex4() else { return nil }
            if (0xD800..<0xDC00).contains(code) {  // a surrogate pair: \uD83D\uDE00
                guard take(UInt8(ascii: "\\"), skippingSpace: false), take(UInt8(ascii: "u"), skippingSpace: false),
                    let low = hex4(), (0xDC00..<0xE000).contains(low)
                else { return nil }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { return nil }
            utf8.append(contentsOf: UTF8.encode(scalar)!)
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value << 4 | UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        index += 4
        return value
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func take(_ byte: UInt8, skippingSpace: Bool = true) -> Bool {
        if skippingSpace { skipSpace() }
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }
}

/// Bytes compared and hashed by content, pointing into a buffer that outlives the table keyed by them.
/// The hash is computed once, a word at a time: `Hasher.combine(bytes:)` over every span, and
/// again on each table resize, was a tenth of the load.
struct ByteSpan: Hashable {
    let bytes: UnsafeBufferPointer<UInt8>
    private let digest: UInt64

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        var digest = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        let raw = UnsafeRawBufferPointer(bytes)
        var offset = 0
        while offset + 8 <= raw.count {
            digest = (digest ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x0100_0000_01B3
            digest ^= digest >> 29
            offset += 8
        }
        while offset < raw.count {
            digest = (digest ^ UInt64(raw[offset])) &* 0x0100_0000_01B3
            offset += 1
        }
        self.digest = digest
    }

    static func == (lhs: ByteSpan, rhs: ByteSpan) -> Bool {
        lhs.digest == rhs.digest && lhs.bytes.count == rhs.bytes.count
            && (lhs.bytes.count == 0 || memcmp(lhs.bytes.baseAddress!, rhs.bytes.baseAddress!, lhs.bytes.count) == 0)
    }

    func hash(into hasher: inout Hasher) { hasher.combine(digest) }
}
