import Foundation
import Testing
@testable import Pipeline

/// The prompt budget against the serving model's own tokenizer (make test starts the local
/// server and sets LLM_BASE_URL).
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["LLM_BASE_URL"] != nil,
        "skipped: LLM_BASE_URL is not set (make test starts the local model server and sets it)"))
struct TokenBudgetTests {
    /// Long rules that push a demo prompt far past a small slot: with a 700-token slot and 300
    /// answer tokens, the prompt the server reports must hold at most 400 tokens.
    @Test func aPromptThatWouldOverflowItsSlotIsShortened() async throws {
        let dataset = try ExtractionTests.demo()
        let gateway = try ExtractionTests.gateway()
        var knowledge = KnowledgeContext()
        knowledge.rules = (1...10).map {
            "\($0). Bundle the teapot with the biscuits and the jam when the session holds a breakfast set, "
                + "because shoppers who buy one of them for a morning tea usually buy the others as well."
        }
        var answerer = Answerer(
            gateway: gateway, role: .student, dataset: dataset, builder: ICLPromptBuilder(), knowledge: knowledge,
            templates: try StageTemplates.load(), aicl: false)
        answerer.slotTokens = 700
        let session = dataset.sessions(in: .test)[0]
        let full = answerer.messages(session)[0].content
        let counted = try #require(try await gateway.tokenCount(.student, full))
        // The estimate undercounts the model's tokens on this text; the check is what catches it.
        #expect(counted > ICLPromptBuilder.tokens(full))
        #expect(counted + Answerer.templateMargin + Answerer.maxTokens > 700)
        let answer = try await answerer.answer(session)
        #expect(answer.shortened)
        #expect(answer.promptTokens > 0 && answer.promptTokens + Answerer.maxTokens <= 700)
        // The session itself is still in the prompt.
        let sent = try gateway.workspace.calls(ids: Set(answer.callIDs)).first!.messages
        #expect(sent.contains("product1: "))
    }

    /// A short zero-shot prompt is not touched, and a count is asked once per text.
    @Test func shortPromptsAreLeftAsTheyAre() async throws {
        let dataset = try ExtractionTests.demo()
        let gateway = try ExtractionTests.gateway()
        let text = ICLPromptBuilder.question(dataset.sessions(in: .test)[0], in: dataset)
        let first = try await gateway.tokenCount(.student, text)
        #expect(first != nil && first! > 20)
        #expect(gateway.tokenCounts.withLock { $0.count } == 1)
        #expect(try await gateway.tokenCount(.student, text) == first)
        #expect(gateway.tokenCounts.withLock { $0.count } == 1)
    }
}
