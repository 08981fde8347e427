import Foundation
import Testing
@testable import Pipeline
@testable import TUI

/// The event loop in-process, against a terminal in memory: a key gives a frame, a resize
/// redraws at the new size, background messages are drained and throttled, q ends the loop
/// and closes the terminal.
struct RuntimeTests {
    func runtime(_ script: [Msg], idleTurns: Int = 0, inbox: Inbox = Inbox()) throws -> (Runtime, MemoryBackend) {
        let dataset = workbenchDataset()
        let path = NSTemporaryDirectory() + "bundlekd-runtime-\(UUID().uuidString).sqlite"
        let workspace = try Workspace(path: path)
        var model = AppModel(datasets: [dataset], sourceLabel: "fixture", width: 80, height: 24)
        model.loading = nil
        let backend = MemoryBackend(width: 80, height: 24, script: script, idleTurnsBetweenInputs: idleTurns)
        let worker = Worker(
            inbox: inbox, datasets: [dataset], config: WorkspaceConfig(), workspace: workspace, workspacePath: path)
        let runtime = Runtime(
            model: model, backend: backend, worker: worker, inbox: inbox, status: RuntimeStatus(),
            resolveTheme: { _ in .success(Theme()) })
        return (runtime, backend)
    }

    @Test func aKeyIsAFrameAndQuitClosesTheTerminal() throws {
        var (runtime, backend) = try runtime([.key(.char("j")), .key(.char("q"))])
        runtime.run()
        // The first frame, then one per key that did not quit.
        #expect(backend.frames.count == 2)
        #expect(backend.frames[0].lines().joined(separator: "\n").contains("Session t1 · food"))
        #expect(backend.frames[1].lines().joined(separator: "\n").contains("Session t2 · food"))
        #expect(backend.closed)
        #expect(runtime.model.sessions.selection?.session.id == "t2")
    }

    @Test func aResizeRedrawsAtTheNewSize() throws {
        var (runtime, backend) = try runtime([
            .resized(width: 120, height: 30), .resized(width: 50, height: 12), .key(.char("q")),
        ])
        runtime.run()
        #expect(backend.frames.map(\.width) == [80, 120, 50])
        #expect(backend.frames.map(\.height) == [24, 30, 12])
        #expect(backend.frames[2].lines()[0].hasPrefix("Terminal too small: 50×12."))
    }

    /// 200 background notices posted at once are drained in one turn and drawn once, at most
    /// 30 frames a second, not 200 times.
    @Test func backgroundMessagesAreDrainedAndThrottled() throws {
        let inbox = Inbox()
        for index in 1...200 { inbox.post(.notice("notice \(index)")) }
        var (runtime, backend) = try runtime([.key(.char("q"))], idleTurns: 3, inbox: inbox)
        runtime.run()
        #expect(backend.frames.count <= 3)  // the first frame, at most one for the notices, none for q
        #expect(runtime.model.notice == "notice 200")
        #expect(backend.closed)
    }
}

/// Four requests queued on one server all wait; a log says so once per role, not four times.
struct WaitingLogTests {
    @Test func oneLinePerRoleAndHalfMinute() {
        let start = Date(timeIntervalSinceReferenceDate: 1_000_000)
        #expect(WaitingLog.due(.student, now: start))
        #expect(!WaitingLog.due(.student, now: start))  // a second request at the same tick
        #expect(!WaitingLog.due(.student, now: start.addingTimeInterval(10)))
        #expect(WaitingLog.due(.teacher, now: start.addingTimeInterval(10)))  // the other role has its own line
        #expect(WaitingLog.due(.student, now: start.addingTimeInterval(30)))  // the next 30 s tick
    }
}
