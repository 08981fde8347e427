import Pipeline

/// A stored student answer for one session, ready to show: every predicted bundle with its
/// error category and the ground-truth bundle it was compared with, and the session's metrics.
struct StudentAnswer: Sendable {
    struct Bundle: Sendable {
        let positions: [Int]
        let intent: String
        let category: BundleErrorCategory
        let matched: Int?
    }

    let bundles: [Bundle]
    /// Why the answer did not parse, when it did not.
    let parseError: String?
    let score: SessionScore

    init(_ prediction: PredictionRecord, session: Session, mode: ScoringMode) {
        let truth = SessionText.positions(session)
        let parsed = prediction.parsedBundles
        bundles = (parsed ?? []).map { bundle in
            let positions = Array(Set(bundle.items)).sorted()
            let (category, matched) = BundleErrors.categorize(
                positions, sessionLength: session.itemIDs.count, groundTruth: truth)
            return Bundle(
                positions: positions, intent: bundle.intent?.collapsedWhitespace ?? "", category: category,
                matched: matched)
        }
        parseError = parsed == nil ? (prediction.parseError ?? "no answer") : nil
        score = Scorer.score([SessionPrediction(session: session, bundles: parsed)], mode: mode).sessions[0]
    }

    /// True when the session is not a perfect answer: a miss to jump to in Compare.
    var isMiss: Bool {
        parseError != nil || bundles.contains { $0.category != .exact } || score.hits < score.groundTruth
    }

    /// One line per bundle: "P1 exact  items 1, 2  Tea tasting  (≈ ●1)".
    func lines(theme: Theme, label: String = "P") -> [Line] {
        if let parseError { return [[Span("answer did not parse: \(parseError)", theme.error)]] }
        if bundles.isEmpty { return [[Span("(no bundles)", theme.muted)]] }
        return bundles.enumerated().map { index, bundle in
            let style = theme.category(bundle.category)
            var line: Line = [
                Span("\(label)\(index + 1) ", style.patched(with: Style(modifiers: [.bold]))),
                // At least one space after the category: "hallucinated" is 12 columns itself.
                Span(
                    DisplayWidth.pad(bundle.category.rawValue, to: max(12, bundle.category.rawValue.count + 1)), style),
                Span("items \(bundle.positions.map(String.init).joined(separator: ", "))  ", theme.muted),
                Span(bundle.intent.nonEmptyOr("(no intent)"), style),
            ]
            if let matched = bundle.matched, bundle.category != .disjoint {
                line.append(Span("  ≈ ●\(matched + 1)", theme.bundle(matched)))
            }
            return line
        }
    }

    /// "precision 0.50 · recall 1.00 · coverage 0.75" (or why the session is excluded).
    var metricsText: String {
        if let excluded = score.excluded { return "excluded from the means: \(excluded.rawValue)" }
        return String(
            format: "precision %.2f · recall %.2f · coverage %.2f · %d of %@ hit", score.precision, score.recall,
            score.coverage, score.hits, counted(score.predicted, "bundle"))
    }
}

extension WorkspaceSnapshot {
    /// The run to show for a session: `preferred` when it answered that session, else the newest that did.
    func run(for session: Session, domain: String, preferred: Int64?) -> (RunRecord, PredictionRecord)? {
        let candidates = runs.filter { $0.domain == domain }.sorted { ($0.id ?? 0) > ($1.id ?? 0) }
        if let preferred, let run = candidates.first(where: { $0.id == preferred }),
            let prediction = predictions[preferred]?[session.id]
        {
            return (run, prediction)
        }
        for run in candidates {
            if let id = run.id, let prediction = predictions[id]?[session.id] { return (run, prediction) }
        }
        return nil
    }
}
