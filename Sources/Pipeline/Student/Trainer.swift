import Foundation
import GRDB

/// Runs the configured trainer command on exported SFT data. The command is a template with
/// `{data_dir}`, `{dataset}` (the LLaMA-Factory dataset name), `{openai_file}`, `{output_dir}` and
/// `{name}`; e.g. a LLaMA-Factory LoRA run, or a script that uploads to a fine-tuning API.
public enum Trainer {
    public static func render(_ template: String, values: [String: String]) -> String {
        values.reduce(template) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }

    /// Runs `command` with /bin/sh, its output passed through; returns the exit status.
    public static func run(_ command: String) throws -> Int32 {
        try ChildProcess.spawn(
            "/bin/sh", ["-c", command],
            stdout: 1, stderr: 2
        ).waitUntilExit()
    }
}

extension Workspace {

    public func register(_ student: StudentModelRecord) throws {
        try writer.write { try student.save($0) }
    }

    public func student(named name: String) throws -> StudentModelRecord? {
        try writer.read { try StudentModelRecord.fetchOne($0, key: name) }
    }
}
