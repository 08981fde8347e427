import ArgumentParser
import Foundation

/// The `bundlekd` root command: configuration only; the work lives in the subcommands.
@main
struct BundleKDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundlekd",
        abstract: "A terminal workbench for knowledge distillation in LLM-based bundle generation.",
        version: "0.1.0",
        subcommands: [
            TUICommand.self, DemoCommand.self, DataCommand.self, MineCommand.self, ExtractCommand.self,
            KnowledgeCommand.self, RunCommand.self, GridCommand.self, AttributeCommand.self, ReportCommand.self,
            RescoreCommand.self,
            SFTCommand.self, LLMCommand.self, CacheCommand.self,
        ],
        defaultSubcommand: TUICommand.self
    )

    /// ArgumentParser's own main, except that a bad argument is one line (`bundlekd: …`, exit
    /// 64) instead of the message followed by the usage: scripts and logs read one line.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as ExitCode {
            exit(withError: error)
        } catch {
            let code = exitCode(for: error)
            guard code != .success, code != ExitCode(0) else { exit(withError: error) }  // --help, --version
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(
                Data("bundlekd: \(message.replacingOccurrences(of: "Error: ", with: ""))\n".utf8))
            exit(withError: ExitCode(code.rawValue))
        }
    }
}
