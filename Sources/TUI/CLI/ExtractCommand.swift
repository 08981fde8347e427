import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd extract`: the teacher distils knowledge from a sample of training sessions.
struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Distil knowledge with the teacher: patterns, rules (self-reflection) and deep thoughts.",
        discussion:
            "Finished steps are stored as they complete; after Ctrl-C or a crash, run the same command again to resume."
    )

    @OptionGroup var source: DataOptions
    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "Stages to run, comma-separated: patterns, rules, thoughts.")
    var stages: String = "patterns,rules,thoughts"

    @OptionGroup var sampling: SampleOptions

    @Option(parsing: .unconditional, help: "Use at most this many sessions in total (after sampling).")
    var limit: Int?

    @Option(
        help: "Name of the stored sample (reused when it exists). Default: derived from strategy, ratio, seed, domains."
    )
    var sample: String?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1 session, got \(limit)") }
        let names = stages.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if names.contains(where: \.isEmpty) {
            throw ValidationError("--stages has an empty value in '\(stages)' (use patterns, rules, thoughts)")
        }
        for name in names where KnowledgeFormat(stageName: name) == nil {
            throw ValidationError("unknown stage '\(name)' (use patterns, rules, thoughts)")
        }
        if Set(names).count != names.count { throw ValidationError("--stages lists a stage twice in '\(stages)'") }
    }

    func run() async throws {
        let command = self
        try await runCommand(cancelOnInterrupt: true) { try await command.extract() }
    }

    private func extract() async throws {
        let datasets = try source.loadPrepared()
        let formats = stages.split(separator: ",").compactMap { KnowledgeFormat(stageName: String($0)) }
        let progress = ProgressPrinter()
        let summary: ExtractionSummary = try await LLMSession.run(workspace, roles: [.teacher]) { gateway in
            let chosen = try SamplePlan(
                strategy: sampling.chosenStrategy, ratio: sampling.chosenRatio, seed: sampling.seed, limit: limit,
                name: sample
            )
            .resolve(datasets, workspace: gateway.workspace)
            FileHandle.standardError.write(
                Data(
                    "bundlekd: extracting \(formats.map(\.stageName).joined(separator: ", ")) for \(counted(chosen.count, "training session")) (\(sampling.chosenStrategy.rawValue), ratio \(sampling.chosenRatio), seed \(sampling.seed))\n"
                        .utf8))
            return try await Extractor(gateway: gateway).run(stages: formats, datasets: datasets, sample: chosen) {
                progress.handle($0)
            }
        }
        progress.finish()
        let counts = KnowledgeFormat.allCases.map { "\(summary.itemsStored[$0] ?? 0) \($0.stageName)" }.joined(
            separator: ", ")
        let p = summary.progress
        print(
            "stored \(counts); \(summary.stepsResumed) steps resumed, \(summary.failures) failed; \(p.calls) calls (\(p.cacheHits) cached), "
                + "\(p.promptTokens) prompt + \(p.completionTokens) completion tokens in \(String(format: "%.1f", p.elapsed)) s"
        )
    }
}

extension SamplingStrategy: ExpressibleByArgument {}

/// The live progress bar on stderr (one line, redrawn at most 10 times a second on a terminal;
/// a plain line per finished step otherwise).
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var lastDone = -1
    private var latest = ExtractionProgress()

    func handle(_ event: ExtractionEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .progress(let progress):
            latest = progress
            if StatusLine.isTerminal {
                guard Date().timeIntervalSince(lastDraw) > 0.1 || progress.stepsDone != lastDone else { return }
                StatusLine.redraw(line(progress))
            } else if progress.stepsDone != lastDone {
                StatusLine.print(line(progress))
            }
            lastDraw = Date()
            lastDone = progress.stepsDone
        case .note(let text): StatusLine.print("note: \(text)")
        case .stepFailed(let stage, let session, let reason):
            StatusLine.print("\(stage.stageName) \(session ?? "-"): \(reason)")
        default: break
        }
    }

    func finish() { if StatusLine.isTerminal { StatusLine.print(line(latest)) } }

    private func line(_ p: ExtractionProgress) -> String {
        let eta = p.eta.map { String(format: " · ETA %d:%02d", Int($0) / 60, Int($0) % 60) } ?? ""
        return String(
            format: "[%@] %d/%d steps · %@ (%d cached) · %d tokens · %.0f tok/s · %@%@",
            p.stage.stageName, p.stepsDone, p.stepsTotal, counted(p.calls, "call"), p.cacheHits,
            p.promptTokens + p.completionTokens, p.tokensPerSecond, counted(p.itemsStored, "item"), eta)
    }

}
