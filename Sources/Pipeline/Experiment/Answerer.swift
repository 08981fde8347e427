import Foundation

/// The one-off cost of the knowledge a cell used: teacher tokens and seconds.
struct Distillation {
    var tokens = 0
    var seconds: Double?
}

/// Answers one test session: one call with the cell's prompt, or the whole AICL pipeline.
struct Answerer: Sendable {
    let gateway: LLMGateway
    let role: LLMRole
    let dataset: Dataset
    let builder: ICLPromptBuilder
    let knowledge: KnowledgeContext
    let responseFormat: ResponseFormat?
    let aicl: Bool
    let templates: StageTemplates
    /// The answering server's context per slot when it is a local llama-server (prompts are
    /// checked against it with the model's own tokenizer); nil: no check.
    var slotTokens: Int? = nil
    /// Tokens of the chat template around the prompt, which `/tokenize` of the text leaves out.
    static let templateMargin = 32
    static let maxTokens = 300
    /// The training split the prompts draw neighbours from, computed once for every session.
    let training: [Session]

    /// `constrained`: answers follow the propose schema (bounded to each session's length).
    init(
        gateway: LLMGateway, role: LLMRole, dataset: Dataset, builder: ICLPromptBuilder, knowledge: KnowledgeContext,
        templates: StageTemplates, constrained: Bool = true, aicl: Bool
    ) {
        (self.gateway, self.role, self.dataset, self.builder) = (gateway, role, dataset, builder)
        (self.knowledge, self.templates, self.aicl) = (knowledge, templates, aicl)
        responseFormat = constrained ? templates.propose.responseFormat : nil
        training = dataset.sessions(in: .train)
    }

    /// `round` > 0 asks afresh instead of reusing round 0's cached answer (see `ChatRequest.round`).
    func answer(_ session: Session, round: Int = 0) async throws -> SessionAnswer {
        if aicl {
            return try await AICLPipeline(
                gateway: gateway, dataset: dataset, training: training, builder: builder,
                responseFormat: responseFormat
            ).answer(session)
        }
        // The schema's positions run to the session's own length.
        let format = responseFormat.map { _ in templates.propose(products: session.itemIDs.count) } ?? nil
        var builder = self.builder
        var request = gateway.request(
            role, messages(session, builder: builder), maxTokens: Self.maxTokens, responseFormat: format)
        request.round = round
        var shortened = false
        // A prompt that would overflow its slot (the 4-characters-a-token estimate undercounts
        // by about 1.4×) is rebuilt with a smaller budget: the knowledge sections that no longer
        // fit are left out, the worked example first, then rules, then patterns; the session
        // itself is never cut. Only for prompts not already answered in the cache.
        if let slot = slotTokens, !knowledge.isEmpty,
            try gateway.workspace.cachedCall(hash: gateway.cacheKey(role, request)) == nil
        {
            for _ in 0..<4 {
                guard let count = try await gateway.tokenCount(role, request.messages.map(\.content).joined()),
                    count + Self.templateMargin + Self.maxTokens > slot
                else { break }
                builder.tokenBudget -= count + Self.templateMargin + Self.maxTokens - slot + 16
                request.messages = messages(session, builder: builder)
                shortened = true
            }
        }
        let call = try await gateway.chat(role, request)
        var answer = SessionAnswer(text: call.response.text)
        answer.shortened = shortened
        answer.add(call)
        return answer
    }

    /// The one-call prompt for `session`.
    func messages(_ session: Session, builder: ICLPromptBuilder? = nil) -> [ChatMessage] {
        (builder ?? self.builder).messages(for: session, in: dataset, knowledge: knowledge, training: training)
    }

    /// An answer's bundles as stored (JSON), or why it did not parse.
    static func parsed(_ text: String) -> (bundles: String?, parseError: String?) {
        do {
            return (KnowledgeItem.json(try AnswerParser.bundles(in: text)), nil)
        } catch let failure as ParseFailure {
            return (nil, failure.reason)
        } catch {
            return (nil, "\(error)")
        }
    }
}
