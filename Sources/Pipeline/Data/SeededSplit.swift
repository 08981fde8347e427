/// A reproducible 70/10/20 train/validation/test split: the session ids are shuffled with a
/// seeded SplitMix64 generator (the same on every platform, unlike `SystemRandomNumberGenerator`).
public enum SeededSplit {
    public static let defaultSeed: UInt64 = 42
    public static let ratios = (train: 0.7, validation: 0.1)

    public static func assign(_ ids: [String], seed: UInt64) -> [String: SplitRole] {
        var generator = SplitMix64(seed: seed)
        let shuffled = ids.sorted().shuffled(using: &generator)
        let trainCount = Int((Double(ids.count) * ratios.train).rounded())
        let validationCount = Int((Double(ids.count) * ratios.validation).rounded())
        var split: [String: SplitRole] = [:]
        for (index, id) in shuffled.enumerated() {
            split[id] =
                index < trainCount
                ? .train
                : index < trainCount + validationCount ? .validation : .test
        }
        return split
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and good enough for shuffles and sampling.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
