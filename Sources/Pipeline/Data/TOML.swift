/// A TOML value, as the workbench's own files use them.
public enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var int: Int? { if case .integer(let value) = self { value } else { nil } }
    /// A float, or an integer read as one (`temperature = 1`).
    public var double: Double? {
        switch self {
        case .float(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }
    public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var array: [TOMLValue]? { if case .array(let value) = self { value } else { nil } }
    public var table: TOMLTable? { if case .table(let value) = self { value } else { nil } }

    /// What the value is, for "expected …, got …" (never the value: it may be a secret).
    public var kind: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a number"
        case .bool: "true/false"
        case .array: "an array"
        case .table: "a section"
        }
    }
}

/// A table with its keys in file order and the line each was written on.
public struct TOMLTable: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public let key: String
        public var value: TOMLValue
        public let line: Int
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public subscript(key: String) -> TOMLValue? { entries.first { $0.key == key }?.value }
    public var keys: [String] { entries.map(\.key) }
    public func line(of key: String) -> Int? { entries.first { $0.key == key }?.line }

    mutating func insert(_ key: String, _ value: TOMLValue, line: Int, file: String) throws {
        if let earlier = self.line(of: key) {
            throw DataError(file: file, line: line, "key '\(key)' is already defined on line \(earlier)")
        }
        entries.append(Entry(key: key, value: value, line: line))
    }

    /// Inserts into the section `[section]` of this table, which the caller has already added.
    mutating func insert(_ key: String, _ value: TOMLValue, line: Int, file: String, section: String) throws {
        guard let index = entries.firstIndex(where: { $0.key == section }),
            case .table(var inner) = entries[index].value
        else { return }
        try inner.insert(key, value, line: line, file: file)
        entries[index].value = .table(inner)
    }
}

/// A small, strict TOML reader for bundlekd.toml and themes: tables, key = value with strings
/// (basic, literal, multi-line), integers, floats, booleans, arrays and inline tables. Dates,
/// dotted keys and arrays of tables are refused by name. Every error is one `DataError` with
/// the line; no input can crash it (the fuzz test holds it to that).
///
/// Written here because TOMLKit's toml++ asserts — aborting the whole process — on inputs as
/// plain as `base_urls = [}` or `[é]` in a debug build, which is what `make run` builds.
public enum TOML {
    public static func parse(_ text: String, file: String) throws -> TOMLTable {
        var parser = Parser(scalars: Array(text.unicodeScalars), file: file)
        return try parser.document()
    }

    struct Parser {
        let scalars: [Unicode.Scalar]
        let file: String
        var index = 0
        var line = 1

        init(scalars: [Unicode.Scalar], file: String) {
            self.scalars = scalars
            self.file = file
        }

        var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
        func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }

        func fail(_ message: String) -> DataError { DataError(file: file, line: line, message) }

        mutating func advance() {
            if current == "\n" { line += 1 }
            index += 1
        }

        mutating func skipSpaces() { while current == " " || current == "\t" { advance() } }

        /// Spaces, comments and line ends (inside arrays, between entries).
        mutating func skipBlank() throws {
            while let c = current {
                if c == " " || c == "\t" || c == "\n" {
                    advance()
                } else if c == "\r" && peek(1) == "\n" {
                    advance()
                } else if c == "#" {
                    try skipComment()
                } else {
                    return
                }
            }
        }

        mutating func skipComment() throws {
            while let c = current, c != "\n" {
                try checkControl(c)
                advance()
            }
        }

        func checkControl(_ c: Unicode.Scalar) throws {
            if (c.value < 0x20 && c != "\t" && !(c == "\r" && peek(1) == "\n")) || c.value == 0x7F {
                throw fail(
                    "control character U+\(String(c.value, radix: 16, uppercase: true).leftPadded(4)) is not allowed")
            }
        }

        /// After a value or header: only spaces and a comment may follow on the line.
        mutating func endOfLine() throws {
            skipSpaces()
            if current == "#" { try skipComment() }
            if current == "\r" && peek(1) == "\n" { advance() }
            guard current == nil || current == "\n" else {
                throw fail("expected the end of the line, found \(Self.shown(current!))")
            }
            if current != nil { advance() }
        }

        mutating func document() throws -> TOMLTable {
            var root = TOMLTable()
            var section: String?
            while true {
                try skipBlank()
                guard let c = current else { break }
                if c == "[" {
                    if peek(1) == "[" { throw fail("arrays of tables ([[…]]) are not supported here") }
                    advance()
                    skipSpaces()
                    let headerLine = line
                    let name = try key()
                    skipSpaces()
                    guard current == "]" else {
                        throw fail(current == "." ? "dotted section names are not supported here" : "expected ']'")
                    }
                    advance()
                    try endOfLine()
                    if root[name] != nil {
                        throw DataError(
                            file: file, line: headerLine,
                            "section [\(name)] is already defined on line \(root.line(of: name)!)")
                    }
                    try root.insert(name, .table(TOMLTable()), line: headerLine, file: file)
                    section = name
                    continue
                }
                let (name, value, keyLine) = try keyValue()
                try endOfLine()
                if let section {
                    try root.insert(name, value, line: keyLine, file: file, section: section)
                } else {
                    try root.insert(name, value, line: keyLine, file: file)
                }
            }
            return root
        }

        mutating func keyValue() throws -> (String, TOMLValue, Int) {
            let keyLine = line
            let name = try key()
            skipSpaces()
            if current == "." { throw fail("dotted keys are not supported here; use a [section]") }
            guard current == "=" else { throw fail("expected '=' after the key '\(name)'") }
            advance()
            skipSpaces()
            return (name, try value(), keyLine)
        }

        mutating func key() throws -> String {
            guard let c = current else { throw fail("expected a key, found the end of the file") }
            if c == "\"" { return try basicString() }
            if c == "'" { return try literalString() }
            var name = ""
            while let c = current, Self.isBare(c) {
                name.unicodeScalars.append(c)
                advance()
            }
            guard !name.isEmpty else {
                throw fail("expected a key (A-Z a-z 0-9 _ -, or quoted), found \(Self.shown(c))")
            }
            return name
        }

        /// A character as an error message shows it: quoted, or as U+XXXX when unprintable.
        static func shown(_ c: Unicode.Scalar) -> String {
            c.value < 0x20 || c.value == 0x7F || c.properties.generalCategory == .format
                ? "U+\(String(c.value, radix: 16, uppercase: true).leftPadded(4))" : "'\(Character(c))'"
        }

        static func isBare(_ c: Unicode.Scalar) -> Bool {
            (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "_" || c == "-"
        }

        mutating func value() throws -> TOMLValue {
            guard let c = current else { throw fail("expected a value, found the end of the file") }
            switch c {
            case "\"":
                return .string(
                    peek(1) == "\"" && peek(2) == "\"" ? try multilineString(quote: "\"") : try basicString())
            case "'":
                return .string(peek(1) == "'" && peek(2) == "'" ? try multilineString(quote: "'") : try literalString())
            case "[": return try array()
            case "{": return try inlineTable()
            default: return try scalarWord()
            }
        }

        mutating func array() throws -> TOMLValue {
            advance()
            var values: [TOMLValue] = []
            while true {
                try skipBlank()
                guard let c = current else { throw fail("unterminated array: expected ']'") }
                if c == "]" { advance(); return .array(values) }
                values.append(try value())
                try skipBlank()
                if current == "," { advance(); continue }
                guard current == "]" else {
                    throw fail(current == nil ? "unterminated array: expected ']'" : "expected ',' or ']' in the array")
                }
            }
        }

        mutating func inlineTable() throws -> TOMLValue {
            advance()
            var table = TOMLTable()
            skipSpaces()
            if current == "}" { advance(); return .table(table) }
            while true {
                skipSpaces()
                let (name, value, keyLine) = try keyValue()
                try table.insert(name, value, line: keyLine, file: file)
                skipSpaces()
                if current == "," { advance(); continue }
                guard current == "}" else { throw fail("expected ',' or '}' in the inline table") }
                advance()
                return .table(table)
            }
        }

        /// true, false, an integer or a float; anything else is named.
        mutating func scalarWord() throws -> TOMLValue {
            var word = ""
            while let c = current,
                !(c == "," || c == "]" || c == "}" || c == "#" || c == " " || c == "\t" || c == "\n" || c == "\r")
            {
                word.unicodeScalars.append(c)
                advance()
            }
            if word == "true" { return .bool(true) }
            if word == "false" { return .bool(false) }
            let digits = word.replacingOccurrences(of: "_", with: "")
            if !word.hasPrefix("_"), !word.hasSuffix("_"), !word.contains("__"), let integer = Self.integer(digits) {
                return .integer(integer)
            }
            if digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), digits.first != ".", digits.last != ".",
                let number = Double(digits), number.isFinite
            {
                return .float(number)
            }
            if ["inf", "+inf", "-inf", "nan", "+nan", "-nan"].contains(word) {
                throw fail("infinite or NaN numbers are not accepted here")
            }
            if word.isEmpty {
                let found = current.map(Self.shown) ?? "the end of the file"
                throw fail(
                    "expected a value (a \"string\", a number, true/false, [an array]), found \(found == "U+000A" ? "the end of the line" : found)"
                )
            }
            if word.first?.isNumber == true && (word.contains("-") || word.contains(":")) {
                throw fail("dates and times are not supported here; write a string")
            }
            throw fail("expected a value (a \"string\", a number, true/false, [an array]), found '\(word.prefix(40))'")
        }

        static func integer(_ text: String) -> Int? {
            var body = Substring(text)
            var sign = 1
            if body.first == "+" || body.first == "-" { sign = body.first == "-" ? -1 : 1; body = body.dropFirst() }
            guard !body.isEmpty, body.allSatisfy(\.isASCII) else { return nil }
            var radix = 10
            if body.hasPrefix("0x") {
                radix = 16
            } else if body.hasPrefix("0o") {
                radix = 8
            } else if body.hasPrefix("0b") {
                radix = 2
            }
            if radix != 10 { guard sign == 1 else { return nil }; body = body.dropFirst(2) }
            guard !body.isEmpty, radix != 10 || body == "0" || body.first != "0" else { return nil }  // no leading zeros
            guard let magnitude = Int(body, radix: radix) else { return nil }
            return sign * magnitude
        }

        mutating func basicString() throws -> String { try singleLineString(quote: "\"", escapes: true) }

        mutating func literalString() throws -> String { try singleLineString(quote: "'", escapes: false) }

        /// `"…"` (with backslash escapes) or `'…'` (without), on one line.
        mutating func singleLineString(quote: Unicode.Scalar, escapes: Bool) throws -> String {
            let opened = line
            advance()
            var text = ""
            while true {
                guard let c = current, c != "\n" else {
                    throw DataError(file: file, line: opened, "unterminated string (it opens on this line)")
                }
                if c == quote { advance(); return text }
                if escapes && c == "\\" { text.unicodeScalars.append(try escape()); continue }
                try checkControl(c)
                text.unicodeScalars.append(c)
                advance()
            }
        }

        /// `"""…"""` or `'''…'''`; a line end right after the opening quotes is dropped.
        mutating func multilineString(quote: Unicode.Scalar) throws -> String {
            let opened = line
            advance(); advance(); advance()
            if current == "\r" && peek(1) == "\n" { advance() }
            if current == "\n" { advance() }
            var text = ""
            while true {
                guard let c = current else {
                    throw DataError(file: file, line: opened, "unterminated multi-line string (it opens on this line)")
                }
                if c == quote && peek(1) == quote && peek(2) == quote { advance(); advance(); advance(); return text }
                if c == "\\" && quote == "\"" {
                    if peek(1) == "\n" || peek(1) == " " || peek(1) == "\t" || peek(1) == "\r" {  // line-ending backslash
                        advance()
                        while let s = current, s == " " || s == "\t" || s == "\n" || s == "\r" { advance() }
                        continue
                    }
                    text.unicodeScalars.append(try escape())
                    continue
                }
                if c != "\n" { try checkControl(c) }
                text.unicodeScalars.append(c)
                advance()
            }
        }

        mutating func escape() throws -> Unicode.Scalar {
            advance()  // the backslash
            guard let c = current else { throw fail("a backslash ends the file") }
            advance()
            switch c {
            case "n": return "\n"
            case "t": return "\t"
            case "r": return "\r"
            case "b": return "\u{8}"
            case "f": return "\u{C}"
            case "e": return "\u{1B}"
            case "\"": return "\""
            case "\\": return "\\"
            case "u", "U":
                let count = c == "u" ? 4 : 8
                var hex = ""
                for _ in 0..<count {
                    guard let h = current, h.properties.isASCIIHexDigit else {
                        throw fail("\\\(c) needs \(count) hex digits")
                    }
                    hex.unicodeScalars.append(h)
                    advance()
                }
                guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else {
                    throw fail("\\\(c)\(hex) is not a Unicode scalar")
                }
                return scalar
            default: throw fail("unknown escape in a string: a backslash before \(Self.shown(c))")
            }
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
