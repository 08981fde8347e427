import Foundation

/// Reads one section of a TOML file strictly: every key it is asked for is checked for type and
/// range, and `finish()` refuses keys nobody asked for, with a "did you mean" for near misses.
/// Errors name the file, the line, the key and what was expected, and never echo a value.
struct ConfigReader {
    let file: String
    let section: String?
    let table: TOMLTable
    /// The line of this section's header, for errors about the section itself.
    private let headerLine: Int?
    private var known: [String] = []

    init(file: String, table: TOMLTable) {
        self.init(file: file, section: nil, table: table, headerLine: nil)
    }

    private init(file: String, section: String?, table: TOMLTable, headerLine: Int?) {
        self.file = file
        self.section = section
        self.table = table
        self.headerLine = headerLine
    }

    /// The reader of `[name]`, nil when the file has no such section.
    mutating func section(_ name: String) throws -> ConfigReader? {
        known.append(name)
        guard let value = table[name] else { return nil }
        guard let table = value.table else { throw error(name, "expected a section [\(name)], got \(value.kind)") }
        return ConfigReader(file: file, section: name, table: table, headerLine: self.table.line(of: name))
    }

    mutating func string(_ key: String) throws -> String? {
        known.append(key)
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw error(key, "expected a string, got \(value.kind)") }
        return string
    }

    mutating func int(_ key: String, _ range: ClosedRange<Int> = 0...Int.max) throws -> Int? {
        known.append(key)
        guard let value = table[key] else { return nil }
        guard let number = value.int, range.contains(number) else {
            throw error(key, "expected \(Self.describe(range)), got \(value.int.map { "\($0)" } ?? value.kind)")
        }
        return number
    }

    mutating func double(_ key: String, _ range: ClosedRange<Double>) throws -> Double? {
        known.append(key)
        guard let value = table[key] else { return nil }
        guard let number = value.double, range.contains(number) else {  // `double` reads integers too
            let got = value.double.map { "\($0)" } ?? value.kind
            throw error(
                key, "expected a number from \(range.lowerBound.formatted) to \(range.upperBound.formatted), got \(got)"
            )
        }
        return number
    }

    mutating func strings(_ key: String) throws -> [String]? {
        known.append(key)
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw error(key, "expected an array of strings, got \(value.kind)") }
        let strings = array.compactMap(\.string)
        guard strings.count == array.count else {
            throw error(key, "expected an array of strings, not all are strings")
        }
        guard !strings.isEmpty else { throw error(key, "expected at least one entry") }
        return strings
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws -> T?
    where T.RawValue == String {
        guard let raw = try string(key) else { return nil }
        guard let value = T(rawValue: raw) else {
            throw error(key, "expected one of \(T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
        }
        return value
    }

    /// A key that must never be in a file (its value is not read, so never shown).
    mutating func forbid(_ key: String, _ why: String) throws {
        if table[key] != nil { throw error(key, why) }
    }

    /// Refuses every key and section not asked for.
    func finish() throws {
        for key in table.keys where !known.contains(key) {
            let isSection = table[key]?.table != nil
            let name = isSection ? "[\(key)]" : "'\(key)'"
            var message =
                isSection ? "unknown section \(name)" : "unknown key \(name)" + (section.map { " in [\($0)]" } ?? "")
            if let near = Self.nearest(key, in: known) {
                message += "; did you mean \(isSection ? "[\(near)]" : "'\(near)'")?"
            }
            throw error(key, message)
        }
    }

    func error(_ key: String, _ message: String) -> DataError {
        DataError(
            file: file, line: table.line(of: key) ?? headerLine, field: section.map { "\($0).\(key)" } ?? key, message)
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max {
            return range.lowerBound == 0 ? "a non-negative integer" : "an integer ≥ \(range.lowerBound)"
        }
        return "an integer from \(range.lowerBound) to \(range.upperBound)"
    }

    /// The known name within edit distance 2 (or a prefix match), for "did you mean".
    static func nearest(_ word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0)) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

private extension Double {
    var formatted: String { self == rounded() ? "\(Int(self))" : "\(self)" }
}
