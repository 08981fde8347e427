/// The small choice-stepping the screens' toggles share.
extension Set {
    /// Adds `member` when absent, removes it when present.
    mutating func toggle(_ member: Element) {
        if remove(member) == nil { insert(member) }
    }
}

extension Array where Element: Equatable {
    /// The element after `current`, wrapping around; the first when `current` is not found.
    func cycled(after current: Element) -> Element {
        self[((firstIndex(of: current) ?? -1) + 1) % count]
    }
}

extension CaseIterable where Self: Equatable, AllCases == [Self] {
    /// The next case in declaration order, wrapping around.
    var next: Self { Self.allCases.cycled(after: self) }
}
