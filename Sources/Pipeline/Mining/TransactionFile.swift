import Foundation

/// Reads the plain transaction format other miners use: one transaction per line, items as
/// whitespace-separated non-negative integers. Parsed from bytes; the slow part of a miner
/// should be the mining.
public enum TransactionFile {
    public static func load(path: String) throws -> TransactionSet {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, "file not found or unreadable")
        }
        return try parse(data, file: path)
    }

    static func parse(_ data: Data, file: String) throws -> TransactionSet {
        var items: [Int32] = []
        var offsets = [0]
        var dense: [Int: Int32] = [:]  // for ids too large for the direct table
        var direct: [Int32] = []  // id → dense id, -1 when unseen; ids below 2^22
        var labels: [String] = []
        var lastSeen: [Int] = []  // transaction index where a dense id was last added
        items.reserveCapacity(data.count / 3)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var value = 0, inNumber = false, line = 1
            func finishNumber() {
                var id: Int32 = -1
                if value < 1 << 22 {
                    if value >= direct.count {
                        direct.append(contentsOf: repeatElement(-1, count: value + 1 - direct.count))
                    }
                    id = direct[value]
                } else if let known = dense[value] {
                    id = known
                }
                if id < 0 {
                    id = Int32(labels.count)
                    if value < 1 << 22 { direct[value] = id } else { dense[value] = id }
                    labels.append(String(value))
                    lastSeen.append(-1)
                }
                let transaction = offsets.count - 1
                if lastSeen[Int(id)] != transaction {
                    lastSeen[Int(id)] = transaction
                    items.append(id)
                }
                value = 0
                inNumber = false
            }
            for byte in raw {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    value = value &* 10 &+ Int(byte &- UInt8(ascii: "0"))
                    guard value <= Int(Int32.max) else { throw DataError(file: file, line: line, "item id too large") }
                    inNumber = true
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    if inNumber { finishNumber() }
                case UInt8(ascii: "\n"):
                    if inNumber { finishNumber() }
                    offsets.append(items.count)
                    line += 1
                default:
                    throw DataError(file: file, line: line, "expected integer item ids separated by spaces")
                }
            }
            if inNumber { finishNumber() }
            if raw.last != UInt8(ascii: "\n"), !raw.isEmpty { offsets.append(items.count) }
        }
        return TransactionSet(items: items, offsets: offsets, labels: labels)
    }
}
