/// The figures `bundlekd data stats` prints for one domain, computed from the raw (unfiltered)
/// dataset so they can be checked against the published tables.
public struct DatasetStatistics: Equatable, Sendable {
    public let domain: String
    public let sessions: Int
    public let sessionsWithBundles: Int
    public let bundles: Int
    public let bundlesAfterDeduplication: Int
    public let averageBundleSize: Double
    public let averageSessionLength: Double
    public let items: Int
    public let untitledItems: Int

    public init(_ dataset: Dataset) {
        domain = dataset.domain
        sessions = dataset.sessions.count
        let withBundles = dataset.sessions.filter { !$0.bundles.isEmpty }
        sessionsWithBundles = withBundles.count
        let allBundles = dataset.sessions.flatMap(\.bundles)
        bundles = allBundles.count
        bundlesAfterDeduplication = withBundles.reduce(0) { $0 + Preprocessing.deduplicate($1.bundles).count }
        averageBundleSize =
            allBundles.isEmpty
            ? 0
            : Double(allBundles.reduce(0) { $0 + $1.itemIDs.count }) / Double(allBundles.count)
        averageSessionLength =
            sessions == 0
            ? 0
            : Double(dataset.sessions.reduce(0) { $0 + $1.itemIDs.count }) / Double(sessions)
        let distinct = Set(dataset.sessions.flatMap(\.itemIDs))
        items = distinct.count
        untitledItems = distinct.filter { dataset.item($0).isUntitled }.count
    }
}
