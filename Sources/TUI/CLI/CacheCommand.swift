import ArgumentParser
import Foundation
import Pipeline

/// `bundlekd cache stats|clear`.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "Inspect or clear the workspace's LLM answer cache.",
        subcommands: [CacheStatsCommand.self, CacheClearCommand.self])
}

struct CacheStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Cached answers, calls, hits and tokens saved.")
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        try reportingFailures {
            let config = try workspace.loadConfig()
            let stats = try workspace.openExistingWorkspace(config).cacheStatistics()
            print(
                "cached answers \(stats.entries)\ncalls logged   \(stats.calls)\ncache hits     \(stats.hits)\nerrors         \(stats.errors)\ntokens saved   \(stats.tokensSaved)"
            )
        }
    }
}

struct CacheClearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear", abstract: "Forget every cached answer (the call log stays).")
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        try reportingFailures {
            let config = try workspace.loadConfig()
            print("removed \(try workspace.openExistingWorkspace(config).clearCache()) cached answers")
        }
    }
}
