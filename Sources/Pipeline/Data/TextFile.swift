import Foundation

/// Reads a whole text file as UTF-8, failing with the line of the first invalid byte.
public enum TextFile {
    public static func read(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(file: path, "file not found")
        }
        guard !isDirectory.boolValue else { throw DataError(file: path, "is a folder, expected a file") }
        if let text = validText(path) { return withoutByteOrderMark(text) }
        // Not read the fast way: invalid UTF-8 (to be located), or a file that grew while read.
        guard let bytes = contents(path) else { throw DataError(file: path, "cannot be read") }
        return try decodeUTF8(bytes, file: path)
    }

    /// The file read by read(2) straight into the string's storage and checked once: FileManager
    /// and `String(data:encoding:)` took 19 ms for the 8 MB benchmark file (two fresh 8 MB buffers
    /// and their page faults), this 5 ms. Nil when the file is not valid UTF-8, cannot be read,
    /// or holds more than its size said.
    static func validText(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return nil }
        var complete = false
        let text = String(unsafeUninitializedCapacity: Int(status.st_size)) { buffer in
            let count = readFully(descriptor, into: buffer)
            var probe: UInt8 = 0
            complete =
                count == buffer.count && Glibc.read(descriptor, &probe, 1) == 0
                && firstInvalidUTF8Offset(UnsafeBufferPointer(rebasing: buffer[..<count])) == nil
            return complete ? count : 0
        }
        return complete ? text : nil
    }

    /// Reads until `buffer` is full or the file ends; the count read.
    private static func readFully(_ descriptor: Int32, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var count = 0
        while count < buffer.count {
            let read = Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            if read < 0 && errno == EINTR { continue }
            guard read > 0 else { break }
            count += read
        }
        return count
    }

    /// Where the first byte sequence that is not well-formed UTF-8 starts (The Unicode Standard,
    /// table 3-7), checking eight ASCII bytes at a time; nil when all of it is.
    static func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let raw = UnsafeRawBufferPointer(bytes)
        let count = bytes.count
        func continuation(_ index: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            index < count && range.contains(bytes[index])
        }
        var index = 0
        while index < count {
            while index + 8 <= count,
                raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                index += 8
            }
            guard index < count else { break }
            let lead = bytes[index]
            switch lead {
            case 0x00...0x7F: index += 1
            case 0xC2...0xDF:
                guard continuation(index + 1) else { return index }
                index += 2
            case 0xE0...0xEF:
                let second: ClosedRange<UInt8> = lead == 0xE0 ? 0xA0...0xBF : lead == 0xED ? 0x80...0x9F : 0x80...0xBF
                guard continuation(index + 1, second), continuation(index + 2) else { return index }
                index += 3
            case 0xF0...0xF4:
                let second: ClosedRange<UInt8> = lead == 0xF0 ? 0x90...0xBF : lead == 0xF4 ? 0x80...0x8F : 0x80...0xBF
                guard continuation(index + 1, second), continuation(index + 2), continuation(index + 3) else {
                    return index
                }
                index += 4
            default: return index
            }
        }
        return nil
    }

    /// The file's bytes, however long it turns out to be.
    static func contents(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        var bytes = [UInt8](unsafeUninitializedCapacity: Int(status.st_size)) { buffer, count in
            count = readFully(descriptor, into: buffer)
        }
        // A file that grew since fstat (or reports no size, as /proc does): read on to its end.
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let read = Glibc.read(descriptor, &chunk, chunk.count)
            if read < 0 && errno == EINTR { continue }
            guard read > 0 else { return read == 0 ? bytes : nil }
            bytes += chunk[..<read]
        }
    }

    static func decodeUTF8(_ bytes: [UInt8], file: String) throws -> String {
        if let offset = bytes.withUnsafeBufferPointer(firstInvalidUTF8Offset) {
            let line = 1 + bytes[..<offset].lazy.filter { $0 == 0x0A }.count
            throw DataError(file: file, line: line, "invalid UTF-8")
        }
        return withoutByteOrderMark(String(decoding: bytes, as: UTF8.self))
    }

    /// Some editors start UTF-8 files with U+FEFF; it is not part of the first line.
    private static func withoutByteOrderMark(_ text: String) -> String {
        text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }
}
