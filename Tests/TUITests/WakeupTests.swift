import Foundation
import Testing
@testable import TUI

/// The self-pipe that ends the UI thread's wait for input when background work posts a message.
struct WakeupTests {
    func readable(_ wakeup: Wakeup, waitingMs: Int32) -> Bool {
        var fd = pollfd(fd: wakeup.readEnd, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, waitingMs) == 1
    }

    @Test func aPostWakesTheWaitAndADrainRearmsIt() throws {
        let wakeup = try Wakeup()
        #expect(!readable(wakeup, waitingMs: 0))
        let inbox = Inbox(posted: wakeup.signal)
        let started = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { inbox.post(.notice("loaded")) }
        #expect(readable(wakeup, waitingMs: 5_000))
        #expect(Date().timeIntervalSince(started) < 4, "woken by the post, not by the timeout")
        #expect(inbox.drain().count == 1)
        for _ in 0..<100_000 { wakeup.signal() }  // a full pipe never blocks a poster
        wakeup.drain()
        #expect(!readable(wakeup, waitingMs: 0))
    }
}
