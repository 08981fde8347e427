import Foundation

/// A scripted walk through the workbench for talks: a plain text file, one command a line.
///
///     caption TEXT       show TEXT in the status bar ("caption" alone clears it)
///     screen NAME|N      switch to a screen
///     keys K K …         press keys: a character, or Enter Esc Tab BackTab Space Up Down Left Right PgUp PgDn Home End
///     type TEXT          type the characters of TEXT
///     palette TEXT       run a palette command (":" TEXT Enter)
///     wait SECONDS       pause
///     wait-idle [SEC]    wait until the running work finishes (at most SEC, default 900)
///     quit               leave the workbench
///
/// Blank lines and lines starting with # are ignored.
public struct DemoScript: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        case messages([DemoMessage])
        case wait(Double)
        case waitIdle(Double)
        case quit
    }

    /// The keys and captions a step sends; plain data so scripts can be compared in tests.
    public enum DemoMessage: Sendable, Equatable {
        case key(Key)
        case caption(String)
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let steps: [Step]

    public static func load(path: String) throws -> DemoScript {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(description: "\(path): demo script not found or not UTF-8")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String = "demo script") throws -> DemoScript {
        var steps: [Step] = []
        for (number, raw) in text.components(separatedBy: "\n").enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let (command, argument) =
                line.firstIndex(of: " ").map { (String(line[..<$0]), String(line[line.index(after: $0)...])) } ?? (
                    line, ""
                )
            func fail(_ why: String) -> Failure { Failure(description: "\(file):\(number + 1): \(why)") }
            switch command {
            case "caption": steps.append(.messages([.caption(argument)]))
            case "screen":
                let screen = Int(argument).flatMap(ScreenID.init(rawValue:)) ?? ScreenID(name: argument)
                guard let screen else { throw fail("unknown screen '\(argument)' (1-5 or a screen name)") }
                steps.append(.messages([.key(.char(Character(String(screen.rawValue))))]))
            case "keys":
                let keys = try argument.split(separator: " ").map { name -> Key in
                    guard let key = Self.key(named: String(name)) else { throw fail("unknown key '\(name)'") }
                    return key
                }
                steps.append(.messages(keys.map { .key($0) }))
            case "type": steps.append(.messages(argument.map { .key(.char($0)) }))
            case "palette":
                steps.append(.messages([.key(.char(":"))] + argument.map { .key(.char($0)) } + [.key(.enter)]))
            case "wait", "wait-idle":
                let seconds = argument.isEmpty && command == "wait-idle" ? 900 : Double(argument)
                guard let seconds, seconds >= 0 else {
                    throw fail("\(command) needs a number of seconds, got '\(argument)'")
                }
                steps.append(command == "wait" ? .wait(seconds) : .waitIdle(seconds))
            case "quit": steps.append(.quit)
            default:
                throw fail("unknown command '\(command)' (caption, screen, keys, type, palette, wait, wait-idle, quit)")
            }
        }
        return DemoScript(steps: steps)
    }

    static let namedKeys: [String: Key] = [
        "Enter": .enter, "Esc": .escape, "Tab": .tab, "BackTab": .backTab, "Space": .char(" "), "Up": .up,
        "Down": .down,
        "Left": .left, "Right": .right, "PgUp": .pageUp, "PgDn": .pageDown, "Home": .home, "End": .end,
        "Backspace": .backspace,
    ]

    static func key(named name: String) -> Key? {
        if let key = namedKeys[name] { return key }
        return name.count == 1 ? .char(name.first!) : nil
    }
}

/// Plays a demo script into the runtime's inbox from its own thread, at a presenter's pace.
final class DemoDriver: @unchecked Sendable {
    let script: DemoScript
    let inbox: Inbox
    let status: RuntimeStatus
    /// Seconds between key presses.
    let pace: Double

    init(script: DemoScript, inbox: Inbox, status: RuntimeStatus, pace: Double) {
        self.script = script
        self.inbox = inbox
        self.status = status
        self.pace = pace
    }

    func start() {
        Thread.detachNewThread { [self] in
            while !status.isReady && !status.quitRequested { Thread.sleep(forTimeInterval: 0.05) }
            for step in script.steps {
                guard !status.quitRequested else { return }
                switch step {
                case .messages(let messages):
                    for message in messages {
                        switch message {
                        case .key(let key): inbox.post(.key(key)); Thread.sleep(forTimeInterval: pace)
                        case .caption(let text): inbox.post(.caption(text))
                        }
                    }
                case .wait(let seconds): Thread.sleep(forTimeInterval: seconds)
                case .waitIdle(let limit):
                    Thread.sleep(forTimeInterval: 0.5)  // let the work start first
                    let deadline = Date().addingTimeInterval(limit)
                    while status.isWorking && Date() < deadline && !status.quitRequested {
                        Thread.sleep(forTimeInterval: 0.2)
                    }
                case .quit: status.quitRequested = true
                }
            }
            inbox.post(.caption("the demo is over · keep exploring, q quits"))
        }
    }
}
