import Foundation

/// Fine-tuning data from a sample: for each sampled training session, the input is the task and
/// the session (plus the format's knowledge), the target the ground-truth bundles (preceded by
/// the teacher's thought as a rationale for the thoughts format). Written as OpenAI chat JSONL
/// and as LLaMA-Factory alpaca and sharegpt files with their dataset_info.json.
public struct SFTExport: Sendable {
    public struct Row: Sendable, Equatable {
        public let session: String
        public let input: String
        public let output: String
    }

    public static let instruction = "Find the bundles in this shopping session: each has at least two of the listed products and a 3-to-5-word intent. Answer only with JSON: {\"bundles\": [{\"items\": [1, 2], \"intent\": \"...\"}]}"

    /// Rows for `sample`; `format` nil means plain session → bundles. Sessions without the
    /// needed thought are left out (and counted by the caller).
    public static func rows(sample: [SessionReference], datasets: [Dataset], format: KnowledgeFormat?,
                            knowledge: [KnowledgeItem]) -> [Row] {
        let byDomain = Dictionary(uniqueKeysWithValues: datasets.map { ($0.domain, $0) })
        return sample.compactMap { reference in
            guard let dataset = byDomain[reference.domain] else { return nil }
            var input = "Products in this \(dataset.domain) shopping session:\n" + SessionText.products(reference.session, in: dataset)
            var output = answer(reference.session)
            switch format {
            case .pattern?, .rule?:
                let texts = knowledge.filter { $0.format == format && $0.domain == dataset.domain }.prefix(15).map(\.text)
                guard !texts.isEmpty else { break }
                input = (format == .pattern ? "Product categories often bundled:\n" : "Rules for finding bundles:\n")
                    + texts.map { format == .pattern ? "- \($0)" : $0 }.joined(separator: "\n") + "\n\n" + input
            case .thought?:
                guard let thought = knowledge.first(where: { $0.format == .thought && $0.sessionList.contains(reference.key) }) else { return nil }
                output = "Reasoning: \(thought.text)\nAnswer: \(output)"
            case nil: break
            }
            return Row(session: reference.key, input: input, output: output)
        }
    }

    static func answer(_ session: Session) -> String {
        let bundles = zip(session.bundles, SessionText.positions(session)).map { bundle, positions -> [String: Any] in
            ["items": positions.sorted(), "intent": bundle.intent.collapsedWhitespace]
        }
        let data = try! JSONSerialization.data(withJSONObject: ["bundles": bundles], options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes openai.jsonl, alpaca.json, sharegpt.json and dataset_info.json into `folder`.
    public static func write(_ rows: [Row], to folder: String, name: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func json(_ value: Any, pretty: Bool = true) throws -> Data {
            try JSONSerialization.data(withJSONObject: value, options: pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes])
        }
        let openai = try rows.map { row in
            String(decoding: try json(["messages": [["role": "user", "content": instruction + "\n\n" + row.input],
                                                    ["role": "assistant", "content": row.output]]], pretty: false), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
        try Data(openai.utf8).write(to: URL(fileURLWithPath: folder + "/openai.jsonl"), options: .atomic)
        try json(rows.map { ["instruction": instruction, "input": $0.input, "output": $0.output] })
            .write(to: URL(fileURLWithPath: folder + "/alpaca.json"), options: .atomic)
        try json(rows.map { ["conversations": [["from": "human", "value": instruction + "\n\n" + $0.input], ["from": "gpt", "value": $0.output]]] })
            .write(to: URL(fileURLWithPath: folder + "/sharegpt.json"), options: .atomic)
        try json(["\(name)_alpaca": ["file_name": "alpaca.json"],
                  "\(name)_sharegpt": ["file_name": "sharegpt.json", "formatting": "sharegpt"]])
            .write(to: URL(fileURLWithPath: folder + "/dataset_info.json"), options: .atomic)
    }
}
