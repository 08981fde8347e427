import Foundation

/// Refuses, with one clear line, the environments where a full-screen UI would print garbage.
enum TerminalCheck {
    static func problem(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        stdinIsTTY: Bool = isatty(0) == 1, stdoutIsTTY: Bool = isatty(1) == 1
    ) -> String? {
        if !stdinIsTTY {
            return
                "standard input is not a terminal; run bundlekd in a terminal, or use a subcommand such as 'bundlekd data stats'"
        }
        if !stdoutIsTTY { return "standard output is not a terminal; the workbench needs a terminal to draw on" }
        guard let term = environment["TERM"], !term.isEmpty else {
            return "TERM is not set; set it to your terminal type, e.g. TERM=xterm-256color"
        }
        if term == "dumb" { return "TERM=dumb cannot address the cursor; use a terminal such as xterm-256color" }
        return nil
    }
}
