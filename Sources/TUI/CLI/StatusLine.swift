import Foundation

/// The one status line CLI commands keep on stderr. On a terminal it is rewritten in place;
/// elsewhere (a log, a pipe) only the lines meant to stay are written.
enum StatusLine {
    static let isTerminal = isatty(2) == 1
    private static let clearLine = "\r\u{1B}[K"

    /// Rewrites the status line (a terminal only).
    static func redraw(_ line: String) { if isTerminal { write(clearLine + line) } }

    /// A progress line: redrawn on a terminal, where `final` also ends it; elsewhere written only when final.
    static func show(_ line: String, final: Bool) {
        if isTerminal { write(clearLine + line + (final ? "\n" : "")) } else if final { write(line + "\n") }
    }

    /// A line that stays, written over any status line being redrawn.
    static func print(_ line: String) { write((isTerminal ? clearLine : "") + line + "\n") }

    /// A line that stays below the status line, which is kept (the last progress a user saw).
    static func keepAndPrint(_ line: String) { write((isTerminal ? "\n" : "") + line + "\n") }

    static func clear() { if isTerminal { write(clearLine) } }

    static func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
