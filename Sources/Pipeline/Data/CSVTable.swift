/// A CSV file, its columns found by their header names.
///
/// Records are read from the UTF-8 bytes as RFC 4180 has them (quoted fields may hold commas,
/// newlines and `""`), each tied to the physical line it starts on for error messages. The
/// generic reader it replaced (CSV.swift, one Unicode scalar at a time) took a second to load
/// the three BundleRec domains. Columns are looked up by name, so a file with its columns in
/// another order reads the same; a missing, unknown or repeated column is refused by name.
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
        var records = Self.records(text)[...]
        guard let found = records.popFirst()?.fields, !(found.count == 1 && found[0].isEmpty) else {
            throw DataError(file: file, line: 1, "empty file, expected a header row")
        }
        let order = try Self.columnOrder(found, expected: columns, file: file)
        header = columns
        rows = try records.compactMap { record in
            if record.fields.count == 1 && record.fields[0].isEmpty { return nil }  // blank line
            guard record.fields.count == columns.count else {
                throw DataError(
                    file: file, line: record.line,
                    "has \(record.fields.count) fields, expected \(columns.count) (\(found.joined(separator: ",")))")
            }
            return Row(line: record.line, fields: order.map { record.fields[$0] })
        }
    }

    /// Every record of `text` with the line it starts on. A record ends at `\n`, `\r\n` or `\r`
    /// outside quotes; a quote opens a quoted field only at the start of a field (elsewhere it is
    /// text). Call `unterminatedQuoteLine` first: a quoted field left open reads to the end.
    static func records(_ text: String) -> [Row] {
        var text = text
        return text.withUTF8 { bytes in
            let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline: UInt8 = 10, carriageReturn: UInt8 = 13
            var records: [Row] = []
            var fields: [String] = []
            var line = 1, recordLine = 1, index = 0
            let count = bytes.count
            while index < count {
                let start = index
                if bytes[index] == quote {
                    var value: [UInt8] = []
                    index += 1
                    while index < count {
                        let byte = bytes[index]
                        if byte == quote {
                            index += 1
                            guard index < count, bytes[index] == quote else { break }  // "" is a quote
                        }
                        if byte == newline { line += 1 }
                        value.append(byte)
                        index += 1
                    }
                    fields.append(String(decoding: value, as: UTF8.self))
                }
                while index < count, bytes[index] != comma, bytes[index] != newline, bytes[index] != carriageReturn {
                    index += 1  // an unquoted field (after a quoted one the check above left nothing here)
                }
                if bytes[start] != quote {
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                }
                if index == count { break }
                let separator = bytes[index]
                index += 1
                if separator == comma {
                    if index == count { fields.append("") }
                    continue
                }
                if separator == carriageReturn, index < count, bytes[index] == newline { index += 1 }
                records.append(Row(line: recordLine, fields: fields))
                fields = []
                line += 1
                recordLine = line
            }
            if !fields.isEmpty { records.append(Row(line: recordLine, fields: fields)) }
            return records
        }
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
