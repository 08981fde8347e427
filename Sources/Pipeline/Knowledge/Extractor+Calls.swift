import Foundation

/// The per-session rules of stage 2, kept until consolidation.
struct SessionRules: Codable {
    let rules: [String]
    let errors: [String]
    let errorRate: Double
}

/// A step that could not finish: why, the last raw answer, and the calls it made.
struct StepFailure: Error {
    let reason: String
    let raw: String
    let calls: [LLMGateway.Call]
}

extension Extractor {
    /// Sends the conversation and parses the answer; an answer that does not parse gets one
    /// repair prompt. The assistant's answer is appended to the conversation.
    func ask<T>(
        _ conversation: inout [ChatMessage], template: PromptTemplate, stage: KnowledgeFormat, session: String?,
        run: RunState, maxTokens: Int = 400, parse: (String) throws -> T
    ) async throws -> (T, [LLMGateway.Call]) {
        var calls: [LLMGateway.Call] = []
        let first = try await send(
            conversation, format: template.responseFormat, maxTokens: maxTokens, stage: stage, session: session, run: run)
        calls.append(first)
        do {
            let value = try parse(first.response.text)
            conversation.append(ChatMessage(role: "assistant", content: first.response.text))
            return (value, calls)
        } catch let failure as ParseFailure {
            let failure = Self.explained(failure, first)
            run.emit(.stepFailed(stage, session: session, reason: "\(failure.reason); asking again"))
            let repair = templates.repair.render(["reason": failure.reason, "format": template.schema ?? "JSON"])
            let retried = conversation + [ChatMessage(role: "assistant", content: first.response.text), .user(repair)]
            let second = try await send(
                retried, format: template.responseFormat, maxTokens: maxTokens, stage: stage, session: session,
                run: run)
            calls.append(second)
            do {
                let value = try parse(second.response.text)
                conversation = retried + [ChatMessage(role: "assistant", content: second.response.text)]
                return (value, calls)
            } catch let again as ParseFailure {
                throw StepFailure(reason: Self.explained(again, second).reason, raw: second.response.text, calls: calls)
            }
        }
    }

    /// One teacher call, streamed so the UI can show tokens as they arrive.
    func send(
        _ messages: [ChatMessage], format: ResponseFormat?, maxTokens: Int, stage: KnowledgeFormat, session: String?,
        run: RunState
    ) async throws -> LLMGateway.Call {
        run.emit(.promptSent(stage, session: session, prompt: messages.last?.content ?? ""))
        let request = gateway.request(.teacher, messages, maxTokens: maxTokens, responseFormat: format)
        let call = try await gateway.chat(.teacher, request) { piece in
            run.emit(.tokens(stage, session: session, text: piece))
        }
        run.counted(call)
        return call
    }

    func step(
        _ key: String, stage: KnowledgeFormat, domain: String, session: String?, status: StepStatus,
        output: String? = nil, raw: String? = nil, reason: String? = nil, calls: [LLMGateway.Call] = []
    ) -> ExtractionStep {
        ExtractionStep(
            id: nil, key: key, createdAt: Date(), stage: stage, domain: domain, sessionId: session, status: status,
            output: output, rawText: raw, reason: reason, callIds: KnowledgeItem.json(calls.map(\.callID)))
    }

    /// A step whose answer never parsed is stored as failed, with the raw text and the reason;
    /// the run goes on, and the next run tries it again.
    func recordFailure(
        _ key: String, stage: KnowledgeFormat, dataset: Dataset, reference: SessionReference?, failure: StepFailure,
        calls: [LLMGateway.Call], run: RunState
    ) throws {
        try workspace.complete(
            step(
                key, stage: stage, domain: dataset.domain, session: reference?.session.id, status: .failed,
                raw: failure.raw, reason: failure.reason, calls: calls), items: [])
        run.failed(stage, session: reference?.key, reason: failure.reason)
    }

    /// A parse failure of an answer the token limit cut off says so: the JSON never closed.
    static func explained(_ failure: ParseFailure, _ call: LLMGateway.Call) -> ParseFailure {
        guard call.response.finishReason == "length" else { return failure }
        let limit = call.response.usage.map { " at \($0.completionTokens) tokens" } ?? ""
        return ParseFailure(reason: failure.reason + " (the answer was cut off\(limit), max_tokens)")
    }

    static func tokens(_ calls: [LLMGateway.Call]) -> (prompt: Int, completion: Int) {
        calls.reduce((0, 0)) {
            ($0.0 + ($1.response.usage?.promptTokens ?? 0), $0.1 + ($1.response.usage?.completionTokens ?? 0))
        }
    }

    func cost(_ usage: (prompt: Int, completion: Int)) -> Double {
        gateway.config.teacher.cost(promptTokens: usage.prompt, completionTokens: usage.completion)
    }
}

/// Totals and event delivery for one run; touched from the run's task only, events may fire on
/// transfer threads (tokens), hence the lock.
final class RunState: @unchecked Sendable {
    private let lock = NSLock()
    private let onEvent: @Sendable (ExtractionEvent) -> Void
    private(set) var summary = ExtractionSummary()

    init(onEvent: @escaping @Sendable (ExtractionEvent) -> Void) { self.onEvent = onEvent }

    func emit(_ event: ExtractionEvent) { onEvent(event) }

    private func update(_ change: (inout ExtractionSummary) -> Void) {
        let progress: ExtractionProgress = lock.withLock {
            change(&summary)
            summary.progress.elapsed = Date().timeIntervalSince(summary.progress.started)
            summary.progress.stageElapsed = Date().timeIntervalSince(summary.progress.stageStarted)
            return summary.progress
        }
        onEvent(.progress(progress))
    }

    func startStage(_ stage: KnowledgeFormat, steps: Int) {
        emit(.stageStarted(stage, steps: steps))
        update {
            $0.progress.stage = stage; $0.progress.stepsDone = 0; $0.progress.stepsTotal = steps
            $0.progress.stageStarted = Date()
        }
    }

    func counted(_ call: LLMGateway.Call) {
        update {
            $0.progress.calls += 1
            if call.cacheHit { $0.progress.cacheHits += 1 }
            $0.progress.promptTokens += call.response.usage?.promptTokens ?? 0
            $0.progress.completionTokens += call.response.usage?.completionTokens ?? 0
        }
    }

    func stepDone() { update { $0.progress.stepsDone += 1 } }

    func resumed(_ stage: KnowledgeFormat, session: String?) {
        emit(.stepResumed(stage, session: session))
        update {
            $0.stepsResumed += 1; $0.progress.stepsDone += 1
        }
    }

    func stored(_ items: [KnowledgeItem]) {
        for item in items { emit(.itemStored(item)) }
        update {
            for item in items { $0.itemsStored[item.format, default: 0] += 1 }
            $0.progress.itemsStored += items.count
            $0.progress.stepsDone += 1
        }
    }

    func failed(_ stage: KnowledgeFormat, session: String?, reason: String) {
        emit(.stepFailed(stage, session: session, reason: reason))
        update {
            $0.failures += 1; $0.progress.failures += 1; $0.progress.stepsDone += 1
        }
    }
}
