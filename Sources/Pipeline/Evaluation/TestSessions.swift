import Foundation

/// Which test sessions a run answers. "The first N" is a biased pilot (on DICL 13 of the first
/// 40 have two products, where any answer hits), so a stratified set — equally many sessions of
/// each length from 3 products up, seeded — or a list of ids are the sets pilots use.
public enum TestSessions: Hashable, Sendable {
    case all
    /// The first N test sessions in dataset order (`--limit`).
    case first(Int)
    /// K sessions of 3 or more products, equally many per length (the remainder to the shortest
    /// lengths), each length's drawn by a seeded shuffle.
    case stratified(count: Int, seed: UInt64)
    /// The ids listed in a file, one a line (`name` is what the run records: the file's name).
    case ids([String], name: String)

    /// What a bad `--sessions` value or file says, in one line.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    public static let minimumStratifiedLength = 3

    /// `stratified:K` or a file of ids (read here; a missing or empty file is a problem).
    public static func parse(_ text: String, seed: UInt64) throws -> TestSessions {
        if text.hasPrefix("stratified:") {
            guard let count = Int(text.dropFirst("stratified:".count)), count > 0 else {
                throw Problem(description: "--sessions stratified:K needs a positive count K, got '\(text)'")
            }
            return .stratified(count: count, seed: seed)
        }
        guard let contents = try? String(contentsOfFile: text, encoding: .utf8) else {
            throw Problem(description: "--sessions: cannot read the id file '\(text)' (or use stratified:K)")
        }
        let ids = contents.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !ids.isEmpty else { throw Problem(description: "--sessions: '\(text)' lists no session id") }
        return .ids(ids, name: (text as NSString).lastPathComponent)
    }

    /// The label runs record and the report groups by (nil: all, or the first N, which the
    /// session count already tells apart).
    public var label: String? {
        switch self {
        case .all, .first: nil
        case .stratified(let count, let seed): "stratified:\(count) seed \(seed)"
        case .ids(let ids, let name):
            "\(name) (\(ids.count) ids, \(SHA256.hex(Data(ids.joined(separator: "\n").utf8)).prefix(8)))"
        }
    }

    /// The sessions of `dataset`'s test split this set selects, in test-split order.
    public func select(from dataset: Dataset) throws -> [Session] {
        let tests = dataset.sessions(in: .test)
        switch self {
        case .all: return tests
        case .first(let count): return Array(tests.prefix(count))
        case .ids(let ids, let name):
            let byID = Dictionary(tests.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            if let unknown = ids.first(where: { byID[$0] == nil }) {
                throw Problem(
                    description: "--sessions \(name): '\(unknown)' is not a test session of \(dataset.domain)")
            }
            let wanted = Set(ids)
            return tests.filter { wanted.contains($0.id) }
        case .stratified(let count, let seed):
            let byLength = Dictionary(grouping: tests.filter { $0.itemIDs.count >= Self.minimumStratifiedLength }) {
                $0.itemIDs.count
            }
            let lengths = byLength.keys.sorted()
            guard !lengths.isEmpty else {
                throw Problem(
                    description: "--sessions stratified: \(dataset.domain) has no test session of 3+ products")
            }
            var chosen = Set<String>()
            for (index, length) in lengths.enumerated() {
                let quota = count / lengths.count + (index < count % lengths.count ? 1 : 0)
                var generator = SplitMix64(seed: seed &+ UInt64(length))
                let shuffled = byLength[length]!.map(\.id).sorted().shuffled(using: &generator)
                chosen.formUnion(shuffled.prefix(quota))
            }
            return tests.filter { chosen.contains($0.id) }
        }
    }
}
