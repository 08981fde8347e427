/// JSON text written straight into bytes. A mining report can hold hundreds of thousands of
/// itemsets; building a Foundation object per value for JSONSerialization took five times as
/// long as the FP-growth that found them.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Punctuation and keys known at compile time, written as they are.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Bytes that are already JSON (an escaped string written once and reused).
    mutating func raw(_ json: [UInt8]) { bytes.append(contentsOf: json) }

    mutating func string(_ text: String) { bytes.append(contentsOf: Self.encoded(text)) }

    mutating func number(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    /// Finite values as Swift's shortest round-trip form (valid JSON); JSON has no infinity or
    /// NaN, so those are written as null rather than as text no parser accepts.
    mutating func number(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        bytes.append(contentsOf: value.description.utf8)
    }

    /// `text` as a quoted JSON string (RFC 8259 escapes: quote, backslash, control characters).
    static func encoded(_ text: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(text.utf8.count + 2)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}
