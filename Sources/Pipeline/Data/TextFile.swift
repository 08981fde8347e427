import Foundation

/// Reads a whole text file as UTF-8, failing with the line of the first invalid byte.
public enum TextFile {
    public static func read(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(file: path, "file not found")
        }
        guard !isDirectory.boolValue else { throw DataError(file: path, "is a folder, expected a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, "cannot be read")
        }
        return try decodeUTF8(data, file: path)
    }

    static func decodeUTF8(_ data: Data, file: String) throws -> String {
        if let text = String(data: data, encoding: .utf8) {
            return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        }
        throw DataError(file: file, line: firstInvalidUTF8Line(data), "invalid UTF-8")
    }

    /// The 1-based line holding the first byte sequence that is not valid UTF-8.
    static func firstInvalidUTF8Line(_ data: Data) -> Int {
        var iterator = data.makeIterator()
        var decoder = UTF8()
        var line = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): if scalar == "\n" { line += 1 }
            case .emptyInput: return line
            case .error: return line
            }
        }
    }
}
