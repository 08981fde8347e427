import Foundation

/// The teacher with the AICL pipeline (Sun et al., SIGIR 2024; ../shared/docs/paper-notes.md §3):
/// the expensive baseline knowledge distillation wants to replace. For each test session, in
/// one growing conversation with the teacher:
///
/// 1. detect bundles on the test session's top-1 training neighbour N (the DICL neighbour list,
///    else TF-IDF over titles);
/// 2. self-correction: adjust them given their intents and the products (stops when unchanged);
/// 3. auto-feedback against N's ground truth, up to `feedbackRounds` times: per bundle, the
///    ground-truth bundle of largest Jaccard decides the tip (kept / removed / needs a second
///    product / missing products / irrelevant products); it stops when every bundle is right,
///    and a product number that does not exist drops N as a demonstration;
/// 4. rule summary: which rules it found;
/// 5. the test session, answered after all of that.
///
/// Not reproduced: the LLM intent raters of step 5 in the paper (two other commercial models);
/// intents are part of every JSON answer here, so there is no separate intent call.
struct AICLPipeline: Sendable {
    let gateway: LLMGateway
    let dataset: Dataset
    let training: [Session]
    let builder: ICLPromptBuilder
    let responseFormat: ResponseFormat?
    var feedbackRounds = 2
    var maxTokens = 300

    func answer(_ session: Session) async throws -> SessionAnswer {
        var calls = SessionAnswer()
        var messages: [ChatMessage] = []
        func ask(_ text: String, json: Bool = true) async throws -> String {
            messages.append(.user(text))
            let call = try await gateway.chat(
                .teacher,
                gateway.request(
                    .teacher, messages, maxTokens: maxTokens, responseFormat: json ? responseFormat : nil))
            calls.add(call)
            messages.append(.assistant(call.response.text))
            return call.response.text
        }
        if let neighbour = builder.neighbours(of: session, in: dataset, among: training).first {
            var demonstration = true
            var bundles = try? AnswerParser.bundles(
                in: await ask(
                    ICLPromptBuilder.instruction + "\n\n" + ICLPromptBuilder.question(neighbour, in: dataset)))
            let corrected = try? AnswerParser.bundles(in: await ask(Self.selfCorrection))
            if let corrected { bundles = corrected }
            for _ in 0..<feedbackRounds {
                guard let current = bundles else { break }
                switch Self.feedback(current, truth: SessionText.positions(neighbour), items: neighbour.itemIDs.count) {
                case .allCorrect: break
                case .hallucinated: demonstration = false
                case .tips(let text): bundles = try? AnswerParser.bundles(in: await ask(text)); continue
                }
                break
            }
            if demonstration {
                _ = try await ask(Self.ruleSummary, json: false)
            } else {
                messages = []
            }
        }
        let final = try await ask(
            (messages.isEmpty
                ? ICLPromptBuilder.instruction + "\n\n"
                : "Based on the rules, detect bundles for the "
                    + "products below.\n\n") + ICLPromptBuilder.question(session, in: dataset))
        calls.text = final
        return calls
    }

    static let selfCorrection = """
        Look again at each bundle's intent and the product descriptions. Adjust the bundles so that every \
        product in a bundle serves its intent, and regenerate the 3-to-5-word intents. Answer with the same JSON.
        """

    static let ruleSummary = """
        Based on the conversation above, which rules did you find for detecting bundles? List them briefly.
        """

    enum Feedback: Equatable {
        case allCorrect, hallucinated
        case tips(String)
    }

    /// AICL's bundle auto-feedback: each predicted bundle against the ground-truth bundle it
    /// overlaps most (Jaccard), with the paper's five tips.
    static func feedback(_ predicted: [ParsedBundle], truth: [Set<Int>], items: Int) -> Feedback {
        if predicted.contains(where: { $0.items.contains { $0 < 1 || $0 > items } }) { return .hallucinated }
        var tips: [String] = []
        var allCorrect = true
        for (index, bundle) in predicted.enumerated() {
            let p = Set(bundle.items)
            let best = truth.max { jaccard(p, $0) < jaccard(p, $1) } ?? []
            let score = jaccard(p, best)
            let tip: String
            if score == 1 {
                tip = "is correct and should be kept"
            } else {
                allCorrect = false
                if score == 0 {
                    tip = "is invalid and should be removed"
                } else if p.isSubset(of: best) {
                    tip =
                        p.count == 1
                        ? "should contain at least 2 related products"
                        : "is missing some products; append related ones from the sequence"
                } else {
                    tip = "contains irrelevant products that should be removed"
                }
            }
            tips.append(
                "Bundle \(index + 1) (products \(bundle.items.map(String.init).joined(separator: ", "))) \(tip).")
        }
        if allCorrect && !predicted.isEmpty { return .allCorrect }
        if predicted.isEmpty { tips.append("No bundle was detected, but the session has \(truth.count).") }
        return .tips(
            "Here are some tips for the detected bundles:\n" + tips.joined(separator: "\n")
                + "\nOutput the corrected bundles with the same JSON.")
    }

    static func jaccard(_ a: Set<Int>, _ b: Set<Int>) -> Double {
        let union = a.union(b).count
        return union == 0 ? 0 : Double(a.intersection(b).count) / Double(union)
    }
}

/// One test session's answer and the calls it took.
struct SessionAnswer: Sendable {
    var text = ""
    /// The prompt was rebuilt shorter to fit the server's slot (see `Answerer.answer`).
    var shortened = false
    var callIDs: [Int64] = []
    var promptTokens = 0
    var completionTokens = 0

    mutating func add(_ call: LLMGateway.Call) {
        callIDs.append(call.callID)
        promptTokens += call.response.usage?.promptTokens ?? 0
        completionTokens += call.response.usage?.completionTokens ?? 0
    }
}
