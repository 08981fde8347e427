import Foundation
import Synchronization

/// Tells a busy server from a dead one while a request waits for its first byte.
///
/// A queued request or a long prompt sends nothing, so silence alone proves nothing. Every
/// `interval` seconds the probe asks the same server for its model list on a second
/// connection: an answer means it is alive (only busy); a refused connection means it is gone;
/// no answer to any probe for `hungSeconds` means it accepts connections but serves nothing.
final class ServerProbe: Sendable {
    enum Verdict: Equatable, Sendable {
        case waiting
        case gone(String)
        case hung(seconds: Int)
    }

    private struct State {
        var lastAlive: Double
        var refused: String?
    }

    private let state: Mutex<State>
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let hungSeconds: Double

    /// Starts probing `modelsURL`; `stop()` ends it.
    init(modelsURL: String, headers: [String], interval: Double = 10, hungSeconds: Int) {
        let started = TransferContext.now()
        self.hungSeconds = Double(hungSeconds)
        state = Mutex(State(lastAlive: started))
        let probe = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                if Task.isCancelled { return }
                var request = HTTPRequest(url: modelsURL)
                request.headers = headers
                request.connectTimeout = 5
                request.firstByteSeconds = Int(max(5, interval))
                let result = await CurlTransport.run(request) { _, _ in true }
                // CURLE_COULDNT_CONNECT (7): nothing listens on the port any more.
                if result.curlCode == 7 {
                    state.withLock { $0.refused = result.curlMessage }
                } else if !result.transferFailed, result.status > 0 {
                    state.withLock { $0.lastAlive = TransferContext.now() }
                }
            }
        }
        task.withLock { $0 = probe }
    }

    var verdict: Verdict {
        let now = TransferContext.now()
        return state.withLock { state in
            if let refused = state.refused { return .gone(refused) }
            let silent = now - state.lastAlive
            return silent > hungSeconds ? .hung(seconds: Int(silent)) : .waiting
        }
    }

    func stop() { task.withLock { $0?.cancel() } }
}
