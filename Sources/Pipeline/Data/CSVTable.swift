import CSV

/// A CSV file read with yaslab/CSV.swift, checked against the columns we expect.
///
/// CSV.swift streams one record at a time over Unicode scalars, so every record can be tied to
/// the physical line it starts on (quoted fields may hold newlines) for error messages.
public struct CSVTable: Sendable {
    public struct Row: Sendable {
        public let line: Int
        public let fields: [String]
    }

    public let file: String
    public let header: [String]
    public let rows: [Row]

    /// Reads `path`, requiring exactly `columns` fields in every record.
    public init(path: String, columns: Int) throws {
        try self.init(text: TextFile.read(path), file: path, columns: columns)
    }

    public init(text: String, file: String, columns: Int) throws {
        self.file = file
        if let line = Self.unterminatedQuoteLine(text) {
            throw DataError(file: file, line: line, "unterminated quoted field")
        }
        let reader = try CSVReader(string: text, hasHeaderRow: false)
        guard let header = reader.next(), !(header.count == 1 && header[0].isEmpty) else {
            throw DataError(file: file, line: 1, "empty file, expected a header row")
        }
        guard header.count == columns else {
            throw DataError(file: file, line: 1, "header has \(header.count) columns, expected \(columns)")
        }
        self.header = header
        var rows: [Row] = []
        var line = 2
        while let fields = reader.next() {
            let span = 1 + fields.reduce(0) { $0 + $1.utf8.lazy.filter { $0 == 10 }.count }
            defer { line += span }
            if fields.count == 1 && fields[0].isEmpty { continue }   // blank line
            guard fields.count == columns else {
                throw DataError(file: file, line: line,
                                "has \(fields.count) fields, expected \(columns) (\(header.joined(separator: ",")))")
            }
            rows.append(Row(line: line, fields: fields))
        }
        self.rows = rows
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

    /// CSV.swift reads an unclosed quote to the end of the file without complaint; a valid file
    /// has an even number of quote characters, so an odd count points at the line it went wrong.
    static func unterminatedQuoteLine(_ text: String) -> Int? {
        var inQuotes = false
        var line = 1
        var openedAt = 1
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
                if inQuotes { openedAt = line }
            } else if byte == 10 {
                line += 1
            }
        }
        return inQuotes ? openedAt : nil
    }
}
