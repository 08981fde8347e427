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
    /// The training split the prompts draw neighbours from, computed once for every session.
    let training: [Session]

    init(
        gateway: LLMGateway, role: LLMRole, dataset: Dataset, builder: ICLPromptBuilder, knowledge: KnowledgeContext,
        responseFormat: ResponseFormat?, aicl: Bool
    ) {
        (self.gateway, self.role, self.dataset, self.builder) = (gateway, role, dataset, builder)
        (self.knowledge, self.responseFormat, self.aicl) = (knowledge, responseFormat, aicl)
        templates = try! StageTemplates.load()
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
        var request = gateway.request(role, messages(session), maxTokens: 300, responseFormat: format)
        request.round = round
        let call = try await gateway.chat(role, request)
        var answer = SessionAnswer(text: call.response.text)
        answer.add(call)
        return answer
    }

    /// The one-call prompt for `session`.
    func messages(_ session: Session) -> [ChatMessage] {
        builder.messages(for: session, in: dataset, knowledge: knowledge, training: training)
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
