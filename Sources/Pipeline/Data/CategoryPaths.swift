/// Parses Amazon category lists written as `[[a,b,c],[d,e]]`.
///
/// Category names may themselves contain commas ("Clothing, Shoes & Jewelry"); in the data a
/// separator is a comma *not* followed by a space, so that is the rule used here.
public enum CategoryPaths {
    public enum ParseError: Error, Equatable { case notBracketed }

    public static func parse(_ text: String) throws -> [[String]] {
        let trimmed = text.trimmingSpaces()
        guard trimmed.hasPrefix("[["), trimmed.hasSuffix("]]") else { throw ParseError.notBracketed }
        let inner = trimmed.dropFirst(2).dropLast(2)
        if inner.isEmpty { return [] }
        return inner.components(separatedBy: "],[").map(splitNames).filter { !$0.isEmpty }
    }

    private static func splitNames(_ path: String) -> [String] {
        var names: [String] = []
        var current = ""
        let chars = Array(path)
        for (index, ch) in chars.enumerated() {
            let next = index + 1 < chars.count ? chars[index + 1] : nil
            if ch == ",", next != " " {
                names.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        names.append(current)
        return names.map { HTMLEntities.decode($0).trimmingSpaces() }.filter { !$0.isEmpty }
    }
}
