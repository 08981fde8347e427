import Foundation

/// Fine-tuning data from a sample: for each sampled training session, the input is exactly the
/// prompt the student gets at test time, and the target the ground-truth bundles, preceded by the
/// teacher's thought as a rationale for the thoughts format. Which test-time prompt depends on the
/// cell (`PromptShape`): an `sft` cell is tested without knowledge in its prompt, an `icl+sft`
/// cell with it, so each is trained on the prompt form it is evaluated on. Written as OpenAI chat
/// JSONL and as LLaMA-Factory alpaca and sharegpt files with their dataset_info.json.
public struct SFTExport: Sendable {
    public struct Row: Sendable, Equatable {
        public let session: String
        /// The whole user message.
        public let input: String
        public let output: String
    }

    /// What a row's input holds besides the session.
    public enum PromptShape: String, Sendable, CaseIterable {
        /// No knowledge: the prompt of an `sft` cell (patterns and rules cannot reach the weights
        /// this way; thoughts still do, as the rationale in the target).
        case plain
        /// The format's knowledge as an `icl+sft` cell's prompt has it: patterns and rules as
        /// guidance, for thoughts the worked example of the most similar *other* sample session.
        case inContext = "in-context"

        /// The shape a cell of `method` is tested with.
        public init(for method: UtilisationMethod) { self = method == .sft ? .plain : .inContext }
    }

    /// Rows for `sample`; `format` nil means plain session → bundles. Sessions without the
    /// needed thought are left out (and counted by the caller).
    public static func rows(
        sample: [SessionReference], datasets: [Dataset], format: KnowledgeFormat?,
        knowledge: [KnowledgeItem], curated: [KnowledgeSetEntry] = [], shape: PromptShape = .inContext,
        builder: ICLPromptBuilder = ICLPromptBuilder()
    ) -> [Row] {
        var rows: [Row] = []
        for dataset in datasets {
            let own = sample.filter { $0.domain == dataset.domain }
            guard !own.isEmpty else { continue }
            let inPrompt: Set<KnowledgeFormat> = shape == .plain ? [] : format.map { [$0] } ?? []
            let context = KnowledgeSelection(formats: inPrompt, dataset: dataset, sample: own, stored: knowledge)
                .context.curated(by: curated, formats: inPrompt)
            let thoughts = KnowledgeContext().curated(by: curated, formats: [.thought]).thoughts
            for reference in own {
                var output = answer(reference.session)
                if format == .thought {
                    // A curated set that holds thoughts decides them (a disabled one drops its row).
                    let text =
                        curated.contains { $0.format == .thought }
                        ? thoughts[reference.key]
                        : knowledge.first { $0.format == .thought && $0.sessionList.contains(reference.key) }?.text
                    guard let text else { continue }
                    output = "Reasoning: \(text)\nAnswer: \(output)"
                }
                // Leave-one-out: a row's worked example is never its own session.
                let others = own.filter { $0.key != reference.key }.map(\.session)
                let prompt = builder.messages(for: reference.session, in: dataset, knowledge: context, training: others)
                    .map(\.content).joined(separator: "\n\n")
                rows.append(Row(session: reference.key, input: prompt, output: output))
            }
        }
        return rows
    }

    static func answer(_ session: Session) -> String { BundleAnswer.groundTruth(session) }

    /// Writes openai.jsonl, alpaca.json, sharegpt.json and dataset_info.json into `folder`.
    public static func write(_ rows: [Row], to folder: String, name: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func json(_ value: Any, pretty: Bool = true) throws -> Data {
            try JSONSerialization.data(
                withJSONObject: value,
                options: pretty
                    ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes])
        }
        let openai =
            try rows.map { row in
                String(
                    decoding: try json(
                        [
                            "messages": [
                                ["role": "user", "content": row.input],
                                ["role": "assistant", "content": row.output],
                            ]
                        ], pretty: false), as: UTF8.self)
            }.joined(separator: "\n") + "\n"
        try Data(openai.utf8).write(to: URL(fileURLWithPath: folder + "/openai.jsonl"), options: .atomic)
        try json(rows.map { ["instruction": $0.input, "input": "", "output": $0.output] })
            .write(to: URL(fileURLWithPath: folder + "/alpaca.json"), options: .atomic)
        try json(
            rows.map {
                ["conversations": [["from": "human", "value": $0.input], ["from": "gpt", "value": $0.output]]]
            }
        )
        .write(to: URL(fileURLWithPath: folder + "/sharegpt.json"), options: .atomic)
        try json([
            "\(name)_alpaca": ["file_name": "alpaca.json"],
            "\(name)_sharegpt": ["file_name": "sharegpt.json", "formatting": "sharegpt"],
        ])
        .write(to: URL(fileURLWithPath: folder + "/dataset_info.json"), options: .atomic)
    }
}
