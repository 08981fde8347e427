import Foundation

/// Fine-tunes a LoRA adapter for the local student on this machine (CPU, or CUDA when the venv's
/// PyTorch finds one) with `scripts/train_lora.py` in its own cached venv, then converts it to a
/// GGUF adapter that `llama-server --lora` serves on top of the unchanged base model. The loss is
/// on the assistant's answer only (the script masks every prompt token).
public struct LoRATrainer: Sendable {
    public let python: String
    public let script: String
    /// llama.cpp's `convert_lora_to_gguf.py`, with its `gguf-py` beside it.
    public let converter: String
    /// The GGUF the student is served from; the adapter is trained against its dequantised weights.
    public let baseModel: String
    /// Where the dequantised base is kept as a plain HF folder (the converter needs it too).
    public let hfCache: String

    public init(python: String, script: String, converter: String, baseModel: String, hfCache: String) {
        self.python = python
        self.script = script
        self.converter = converter
        self.baseModel = baseModel
        self.hfCache = hfCache
    }

    public static var sftDirectory: String {
        ProcessInfo.processInfo.environment["SFT_DIR"] ?? NSHomeDirectory() + "/.cache/bundlekd/sft"
    }

    /// The trainer for `baseModel`, installing its venv once (scripts/setup-lora.sh) when missing.
    public static func installed(baseModel: String, report: @Sendable (String) -> Void) throws -> LoRATrainer {
        guard FileManager.default.fileExists(atPath: baseModel) else {
            throw LLMError.notConfigured("the base model \(baseModel) is missing; run 'make llm'")
        }
        guard let script = ResourceLocator.find("scripts/train_lora.py") else {
            throw LLMError.notConfigured("scripts/train_lora.py was not found beside the binary or here")
        }
        let directory = sftDirectory
        let trainer = LoRATrainer(
            python: directory + "/venv-lora/bin/python", script: script,
            converter: directory + "/convert/convert_lora_to_gguf.py", baseModel: baseModel, hfCache: directory + "/hf")
        if !trainer.isInstalled {
            guard let setup = ResourceLocator.find("scripts/setup-lora.sh") else {
                throw LLMError.notConfigured("the LoRA trainer is not installed and scripts/setup-lora.sh was not found")
            }
            report("installing the LoRA trainer (PyTorch CPU, transformers, PEFT; once, about 1.5 GB)")
            guard try Trainer.run("'\(setup)'") == 0, trainer.isInstalled else {
                throw LLMError.notConfigured("installing the LoRA trainer failed (\(setup))")
            }
        }
        return trainer
    }

    var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: python) && FileManager.default.fileExists(atPath: converter)
            && FileManager.default.fileExists(atPath: (python as NSString).deletingLastPathComponent + "/../"
                + ".bundlekd-pins")
    }

    /// What a finished fine-tune produced and measured.
    public struct Result: Sendable {
        public var steps: [LoRAStep]
        public var epochLosses: [Double]
        public var rows: Int
        public var tokens: Int
        public var answerTokens: Int
        public var precision: String
        public var wallSeconds: Double
        public var peakResidentBytes: Int64
        /// The GGUF adapter (`llama-server --lora`).
        public var adapter: String
    }

    /// Trains on the OpenAI chat JSONL `data`, writing `folder/adapter.gguf` only when training and
    /// conversion both finished: an interrupted run leaves no adapter. Cancelling stops the trainer.
    public func train(
        data: String, folder: String, settings: LoRASettings, onEvent: @escaping @Sendable (LoRAEvent) -> Void
    ) async throws -> Result {
        let work = folder + "/lora"
        let target = URL(fileURLWithPath: folder + "/adapter.gguf").standardizedFileURL.path
        try? FileManager.default.removeItem(atPath: work)
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let log = folder + "/train.log"
        let progress = ProgressLines()
        let status = try await runChild(
            python, [script, "--data", data, "--base-gguf", baseModel, "--hf-cache", hfCache, "--output", work]
                + settings.arguments,
            log: log
        ) { line in
            guard let event = LoRAEvent.parse(line) else { return }
            progress.add(event)
            onEvent(event)
        }
        guard status == 0, case .finished(let adapter, let wall, let peak, let losses)? = progress.finished,
            case .started(let rows, let tokens, let answerTokens, _, let precision)? = progress.start
        else {
            try? FileManager.default.removeItem(atPath: work)
            throw LLMError.notConfigured(
                "the LoRA trainer exited with status \(status): \(Self.tail(of: log))")
        }
        let converted = try await runChild(
            python, [converter, "--base", hfFolder, "--outtype", "f32", "--outfile", target + ".part", adapter],
            environment: ["PYTHONPATH": (converter as NSString).deletingLastPathComponent + "/gguf-py"], log: log
        ) { _ in }
        guard converted == 0 else {
            try? FileManager.default.removeItem(atPath: target + ".part")
            throw LLMError.notConfigured(
                "convert_lora_to_gguf.py exited with status \(converted): \(Self.tail(of: log))")
        }
        try FileManager.default.moveItem(atPath: target + ".part", toPath: target)
        return Result(
            steps: progress.steps, epochLosses: losses, rows: rows, tokens: tokens, answerTokens: answerTokens,
            precision: precision, wallSeconds: wall, peakResidentBytes: peak, adapter: target)
    }

    /// The base model's dequantised HF folder, as the script names it.
    var hfFolder: String {
        hfCache + "/" + ((baseModel as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// Runs a child with stdout split into lines for `onLine` and stderr appended to `log`;
    /// cancelling the task stops it (and a stopped child leaves nothing registered).
    func runChild(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], log: String,
        onLine: @escaping @Sendable (String) -> Void
    ) async throws -> Int32 {
        if !FileManager.default.fileExists(atPath: log) {
            _ = FileManager.default.createFile(atPath: log, contents: nil)
        }
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        _ = try? errors.seekToEnd()
        defer { try? errors.close() }
        let output = Pipe()
        let splitter = LineSplitter(onLine: onLine)
        output.fileHandleForReading.readabilityHandler = { splitter.feed($0.availableData) }
        let process = try ChildProcess.spawn(
            executable, arguments, environment: environment, stdout: output.fileHandleForWriting.fileDescriptor,
            stderr: errors.fileDescriptor)
        try? output.fileHandleForWriting.close()
        let status = await withTaskCancellationHandler {
            await process.exit()
        } onCancel: {
            Thread { process.stop(grace: 2) }.start()
        }
        output.fileHandleForReading.readabilityHandler = nil
        splitter.feed(output.fileHandleForReading.readDataToEndOfFile())
        splitter.flush()
        if Task.isCancelled { throw CancellationError() }
        return status
    }

    /// The last meaningful line of the trainer's log, for a one-line error.
    static func tail(of log: String) -> String {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.last.map { String($0.prefix(300)) } ?? "no output (see \(log))"
    }
}

/// The trainer's events as they arrive, for the result once it ends.
final class ProgressLines: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [LoRAEvent] = []

    func add(_ event: LoRAEvent) { lock.withLock { events.append(event) } }

    var start: LoRAEvent? { lock.withLock { events.first { if case .started = $0 { true } else { false } } } }
    var finished: LoRAEvent? { lock.withLock { events.last { if case .finished = $0 { true } else { false } } } }
    var steps: [LoRAStep] { lock.withLock { events.compactMap { if case .step(let s) = $0 { s } else { nil } } } }
}

/// Splits a child's output into lines (at newlines and carriage returns) as bytes arrive.
final class LineSplitter: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = Data()
    let onLine: @Sendable (String) -> Void

    init(onLine: @escaping @Sendable (String) -> Void) { self.onLine = onLine }

    func feed(_ data: Data) {
        guard !data.isEmpty else { return }
        var lines: [String] = []
        lock.withLock {
            pending.append(data)
            while let end = pending.firstIndex(where: { $0 == 10 || $0 == 13 }) {
                lines.append(String(decoding: pending[pending.startIndex..<end], as: UTF8.self))
                pending = Data(pending[pending.index(after: end)...])
            }
        }
        lines.filter { !$0.isEmpty }.forEach(onLine)
    }

    func flush() {
        let rest = lock.withLock { () -> String in
            defer { pending = Data() }
            return String(decoding: pending, as: UTF8.self)
        }
        if !rest.isEmpty { onLine(rest) }
    }
}
