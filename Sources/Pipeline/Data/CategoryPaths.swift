/// Parses Amazon category lists written as `[[a,b,c],[d,e]]`.
///
/// Category names may themselves contain commas ("Clothing, Shoes & Jewelry"); in the data a
/// separator is a comma *not* followed by a space, so that is the rule used here. Every
/// delimiter is ASCII, so the text is split as UTF-8 bytes: half of loading the three
/// BundleRec domains went to splitting these lists as Characters.
public enum CategoryPaths {
    public enum ParseError: Error, Equatable { case notBracketed }

    public static func parse(_ text: String) throws -> [[String]] {
        let trimmed = text.trimmingSpaces()
        guard trimmed.hasPrefix("[["), trimmed.hasSuffix("]]") else { throw ParseError.notBracketed }
        let bytes = Array(trimmed.utf8)
        let (open, close, comma, space) = (UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: " "))
        var paths: [[String]] = []
        var names: [String] = []
        var start = 2
        func endName(at end: Int) {
            let name = HTMLEntities.decode(String(decoding: bytes[start..<end], as: UTF8.self)).trimmingSpaces()
            if !name.isEmpty { names.append(name) }
        }
        var index = 2
        let end = bytes.count - 2
        while index < end {
            if bytes[index] == close, index + 2 < bytes.count, bytes[index + 1] == comma, bytes[index + 2] == open {
                endName(at: index)  // "],[" ends a path
                if !names.isEmpty { paths.append(names) }
                names = []
                index += 3
                start = index
            } else if bytes[index] == comma, index + 1 >= end || bytes[index + 1] != space {
                endName(at: index)
                index += 1
                start = index
            } else {
                index += 1
            }
        }
        if start <= end { endName(at: end) }
        if !names.isEmpty { paths.append(names) }
        return paths
    }
}
