import Foundation

/// The knowledge a student may use in one experiment cell.
public struct KnowledgeContext: Sendable {
    public var patterns: [String] = []
    public var rules: [String] = []
    /// Thoughts by "domain/session" key, for the worked examples.
    public var thoughts: [String: String] = [:]

    public init() {}

    public var isEmpty: Bool { patterns.isEmpty && rules.isEmpty && thoughts.isEmpty }

    /// A short hash of every text the context holds, in a fixed order (thoughts by key).
    public var fingerprint: String {
        let text = (patterns + ["\u{1}"] + rules + ["\u{1}"] + thoughts.keys.sorted().flatMap { [$0, thoughts[$0]!] })
            .joined(separator: "\u{0}")
        return String(SHA256.hex(Data(text.utf8)).prefix(12))
    }
}

/// Builds the student's in-context prompt: guidance (patterns, rules), worked examples (the most
/// similar training sessions that have thoughts, with their thoughts and real bundles), then the
/// test session, all within a token budget. Zero-shot when the context is empty.
public struct ICLPromptBuilder: Sendable {
    public var tokenBudget = 1500
    public var examples = 1
    public var patternLimit = 15
    public var ruleLimit = 10
    /// How the prompt says to answer (see `FormatLine`).
    public var formatLine = FormatLine.standard

    public init(formatLine: FormatLine = .standard) { self.formatLine = formatLine }

    static let instruction = """
        A bundle is a set of products a shopper would buy together for one purpose: alternatives or complements that share an intent.
        """

    /// The session's products and the task, the last part of every answering prompt.
    public static func question(
        _ session: Session, in dataset: Dataset, formatLine: FormatLine = .standard
    ) -> String {
        """
        Products in this \(dataset.domain) shopping session:
        \(SessionText.products(session, in: dataset))

        Find the bundles in this session: each has at least two products from the list and a 3-to-5-word intent. Leave out products that fit no bundle.
        """ + (formatLine.text.map { "\n" + $0 } ?? "")
    }

    /// Rough token count (≈ 4 characters a token), enough to keep prompts inside a slot's context.
    public static func tokens(_ text: String) -> Int { (text.utf8.count + 3) / 4 }

    public func messages(
        for session: Session, in dataset: Dataset, knowledge: KnowledgeContext,
        training: [Session]
    ) -> [ChatMessage] {
        var sections: [String] = [Self.instruction]
        let ask = Self.question(session, in: dataset, formatLine: formatLine)
        var budget = tokenBudget - Self.tokens(sections[0]) - Self.tokens(ask)
        func add(_ text: String) {
            let cost = Self.tokens(text)
            guard cost <= budget else { return }
            sections.append(text)
            budget -= cost
        }
        if !knowledge.patterns.isEmpty {
            add(
                "Product categories that past shoppers often bundled:\n"
                    + knowledge.patterns.prefix(patternLimit).map { "- \($0)" }.joined(separator: "\n"))
        }
        if !knowledge.rules.isEmpty {
            add("Rules for finding bundles:\n" + knowledge.rules.prefix(ruleLimit).joined(separator: "\n"))
        }
        if !knowledge.thoughts.isEmpty {
            for example in neighbours(
                of: session, in: dataset,
                among: training.filter {
                    knowledge.thoughts[SessionReference.key(domain: dataset.domain, session: $0.id)] != nil
                }
            ).prefix(examples) {
                add(
                    "Worked example.\nProducts:\n\(SessionText.products(example, in: dataset))\nReasoning: \(knowledge.thoughts[SessionReference.key(domain: dataset.domain, session: example.id)]!)\nAnswer: \(BundleAnswer.groundTruth(example))"
                )
            }
        }
        return [.user((sections + [ask]).joined(separator: "\n\n"))]
    }

    /// The most similar candidates: the DICL neighbour list when the data has one, else TF-IDF
    /// cosine over product titles.
    func neighbours(of session: Session, in dataset: Dataset, among candidates: [Session]) -> [Session] {
        guard !candidates.isEmpty else { return [] }
        if let listed = dataset.neighbours[session.id] {
            let byID = Dictionary(uniqueKeysWithValues: candidates.map { ($0.id, $0) })
            let ordered = listed.compactMap { byID[$0] }
            if !ordered.isEmpty { return ordered }
        }
        let vectors = TFIDF.vectors(
            [SessionText.titles(session, in: dataset)] + candidates.map { SessionText.titles($0, in: dataset) })
        return candidates.indices.sorted {
            TFIDF.cosine(vectors[0], vectors[$0 + 1]) > TFIDF.cosine(vectors[0], vectors[$1 + 1])
        }
        .map { candidates[$0] }
    }
}
