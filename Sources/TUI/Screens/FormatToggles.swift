import Pipeline

/// The "[x] patterns [ ] rules [x] thoughts" row that the Extract, Knowledge and Experiments
/// headers share, compact enough that each header fits 80 columns.
enum FormatToggles {
    static func line(_ on: Set<KnowledgeFormat>, theme: Theme) -> Line {
        KnowledgeFormat.allCases.enumerated().flatMap { index, format -> Line in
            let isOn = on.contains(format)
            return [
                Span((index == 0 ? "" : " ") + (isOn ? "[x] " : "[ ] "), isOn ? theme.filter : theme.muted),
                Span(format.stageName, isOn ? theme.base : theme.muted),
            ]
        }
    }

    /// " · " between the header's settings.
    static func separator(_ theme: Theme) -> Span { Span(" · ", theme.muted) }
}
