import CSV

/// A CSV file read with yaslab/CSV.swift, its columns found by their header names.
///
/// CSV.swift streams one record at a time over Unicode scalars, so every record can be tied to
/// the physical line it starts on (quoted fields may hold newlines) for error messages. Columns
/// are looked up by name, so a file with its columns in another order reads the same; a
/// missing, unknown or repeated column is refused by name.
public struct CSVTable: Sendable {
    public struct Row: Sendable {
        public let line: Int
        public let fields: [String]
    }

    public let file: String
    /// The expected column names, in the order `Row.fields` follows.
    public let header: [String]
    public let rows: [Row]

    /// Reads `path`, whose header must name exactly `columns` (in any order).
    public init(path: String, columns: [String]) throws {
        try self.init(text: TextFile.read(path), file: path, columns: columns)
    }

    public init(text: String, file: String, columns: [String]) throws {
        self.file = file
        if let line = Self.unterminatedQuoteLine(text) {
            throw DataError(file: file, line: line, "unterminated quoted field")
        }
        let reader = try CSVReader(string: text, hasHeaderRow: false)
        guard let found = reader.next(), !(found.count == 1 && found[0].isEmpty) else {
            throw DataError(file: file, line: 1, "empty file, expected a header row")
        }
        let order = try Self.columnOrder(found, expected: columns, file: file)
        header = columns
        var rows: [Row] = []
        var line = 2
        while let fields = reader.next() {
            let span = 1 + fields.reduce(0) { $0 + $1.utf8.lazy.filter { $0 == 10 }.count }
            defer { line += span }
            if fields.count == 1 && fields[0].isEmpty { continue }  // blank line
            guard fields.count == columns.count else {
                throw DataError(
                    file: file, line: line,
                    "has \(fields.count) fields, expected \(columns.count) (\(found.joined(separator: ",")))")
            }
            rows.append(Row(line: line, fields: order.map { fields[$0] }))
        }
        self.rows = rows
    }

    /// Where each expected column stands in the file's header. Names match ignoring case and
    /// surrounding spaces (and a byte-order mark); anything else is refused by name.
    static func columnOrder(_ found: [String], expected: [String], file: String) throws -> [Int] {
        let normalized = found.map { $0.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingSpaces().lowercased() }
        let wanted = expected.map { $0.lowercased() }
        let list = expected.joined(separator: ",")
        for (index, name) in normalized.enumerated() {
            if !wanted.contains(name) {
                throw DataError(file: file, line: 1, "unknown column '\(found[index])' (expected \(list))")
            }
            if normalized[..<index].contains(name) {
                throw DataError(file: file, line: 1, "column '\(found[index])' appears twice (expected \(list))")
            }
        }
        return try expected.map { name in
            guard let index = normalized.firstIndex(of: name.lowercased()) else {
                throw DataError(file: file, line: 1, "missing column '\(name)' (expected \(list))")
            }
            return index
        }
    }

    /// Column name for error messages.
    public func columnName(_ index: Int) -> String { header[index] }

    /// Reads field `index` of `row` as a non-negative integer id.
    public func integer(_ row: Row, _ index: Int) throws -> Int {
        let raw = row.fields[index].trimmingSpaces()
        guard let value = Int(raw), value >= 0 else {
            throw DataError(file: file, line: row.line, field: header[index], "'\(raw)' is not a non-negative integer")
        }
        return value
    }

    /// CSV.swift reads an unclosed quote to the end of the file without complaint. Quotes are
    /// followed as RFC 4180 has them: a field that starts with `"` ends at a `"` followed by a
    /// comma, a line end or the end of the file (`""` is a quote inside it). A quoted field that
    /// reaches the end of the file, or a closing quote followed by anything else (a later
    /// field's opening quote, read out of phase), was left open: the line it opened on is the
    /// mistake, not the line where the reading noticed.
    static func unterminatedQuoteLine(_ text: String) -> Int? {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline: UInt8 = 10, carriageReturn: UInt8 = 13
        let bytes = Array(text.utf8)
        var line = 1
        var openedAt: Int?
        var atFieldStart = true
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if let opened = openedAt {
                if byte == quote {
                    let next: UInt8 = index + 1 < bytes.count ? bytes[index + 1] : newline  // the end closes too
                    if next == quote { index += 2; continue }
                    guard next == comma || next == newline || next == carriageReturn else { return opened }
                    openedAt = nil
                    atFieldStart = false
                } else if byte == newline {
                    line += 1
                }
            } else if byte == quote && atFieldStart {
                openedAt = line
            } else {
                if byte == newline { line += 1 }
                atFieldStart = byte == comma || byte == newline || byte == carriageReturn
            }
            index += 1
        }
        return openedAt
    }
}
