import ArgumentParser

/// The `bundlekd` root command: configuration only; the work lives in the subcommands.
@main
struct BundleKDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundlekd",
        abstract: "A terminal workbench for knowledge distillation in LLM-based bundle generation.",
        version: "0.1.0",
        subcommands: [TUICommand.self, DemoCommand.self, DataCommand.self, MineCommand.self, ExtractCommand.self, KnowledgeCommand.self, RunCommand.self, GridCommand.self, ReportCommand.self, RescoreCommand.self, SFTCommand.self, LLMCommand.self, CacheCommand.self],
        defaultSubcommand: TUICommand.self
    )
}
