import CCurl
import Foundation
import Synchronization

/// Aborts a transfer from any thread: the curl callbacks check it on every chunk and progress tick.
public final class CancelToken: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// One HTTP request for the transport.
public struct HTTPRequest: Sendable {
    public var url: String
    public var method = "GET"
    public var headers: [String] = []
    public var body: Data?
    /// Seconds to establish the connection.
    public var connectTimeout = 10
    /// Seconds from sending the request to the first byte of the body. A request waiting in the
    /// server's queue, or a prompt being read, sends nothing: this limit is generous on purpose.
    public var firstByteSeconds = 600
    /// Once the body has started, this many seconds without a byte is a stall. There is no total
    /// timeout: a long generation that keeps sending is never cut.
    public var stallSeconds = 60
    /// Called about once a second while no body byte has arrived, with the seconds waited;
    /// returning false aborts the transfer (the caller found the server dead).
    public var whileWaiting: (@Sendable (Int) -> Bool)?
    /// A response body larger than this is refused instead of filling memory.
    public var maxResponseBytes = 64 << 20

    public init(url: String) { self.url = url }
}

/// Why the transport itself ended a transfer early.
public enum TransferAbort: Equatable, Sendable {
    /// No body byte within `firstByteSeconds`.
    case noFirstByte(seconds: Int)
    /// The body started, then nothing for `stallSeconds`.
    case stalled(seconds: Int)
    /// `whileWaiting` gave up on the server after this many seconds.
    case gaveUp(seconds: Int)
}

/// What came back: the status, the headers (names lower-cased) and curl's own outcome.
public struct HTTPResult: Sendable {
    public var status = 0
    public var headers: [String: String] = [:]
    public var curlCode: Int32 = 0
    public var curlMessage = ""
    public var tooLarge = false
    public var aborted: TransferAbort?

    public var transferFailed: Bool { curlCode != 0 }
}

/// HTTP over libcurl's easy interface. `perform` blocks, so it runs on a thread of its own
/// (`run` starts one), never on Swift's cooperative pool.
public enum CurlTransport {
    private static let initialized: Bool = { curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK }()

    /// Runs `request` on a new thread; `onData` sees body bytes as they arrive (after the status
    /// is known). Cancelling the task aborts the transfer.
    public static func run(
        _ request: HTTPRequest, onData: @escaping @Sendable (HTTPResult, [UInt8]) -> Bool
    ) async -> HTTPResult {
        let token = CancelToken()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: perform(request, token: token, onData: onData))
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
        } onCancel: {
            token.cancel()
        }
    }

    /// The blocking transfer. `onData` returns false to abort.
    public static func perform(
        _ request: HTTPRequest, token: CancelToken,
        onData: @escaping @Sendable (HTTPResult, [UInt8]) -> Bool
    ) -> HTTPResult {
        _ = initialized
        guard let handle = curl_easy_init() else {
            return HTTPResult(curlCode: -1, curlMessage: "curl_easy_init failed")
        }
        defer { curl_easy_cleanup(handle) }
        let context = TransferContext(request: request, token: token, onData: onData)
        let retained = Unmanaged.passRetained(context)
        defer { retained.release() }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }

        cc_easy_setopt_string(handle, CURLOPT_URL, request.url)
        cc_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        cc_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, request.connectTimeout)
        cc_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        cc_easy_setopt_write_cb(handle, CURLOPT_WRITEFUNCTION, writeCallback)
        cc_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, retained.toOpaque())
        cc_easy_setopt_write_cb(handle, CURLOPT_HEADERFUNCTION, headerCallback)
        cc_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, retained.toOpaque())
        cc_easy_setopt_xferinfo_cb(handle, progressCallback)
        cc_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, retained.toOpaque())
        cc_easy_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in request.headers { headerList = curl_slist_append(headerList, header) }
        defer { curl_slist_free_all(headerList) }
        if let headerList { cc_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList) }
        if let body = request.body {
            cc_easy_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { raw in
                _ = cc_easy_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, raw.bindMemory(to: CChar.self).baseAddress)
            }
        }
        if request.method != "GET" && request.method != "POST" {
            cc_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        }

        let code = curl_easy_perform(handle)
        var status = 0
        cc_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var result = context.result
        result.status = status
        result.curlCode = Int32(code.rawValue)
        result.tooLarge = context.tooLarge
        result.aborted = context.aborted
        if code != CURLE_OK {
            let detail = String(cString: errorBuffer)
            result.curlMessage = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        }
        return result
    }
}

/// State shared with the C callbacks through an opaque pointer. All callbacks run on the
/// transfer's own thread, so the plain fields need no lock.
final class TransferContext {
    let token: CancelToken
    let limit: Int
    let firstByteSeconds: Double
    let stallSeconds: Double
    let whileWaiting: (@Sendable (Int) -> Bool)?
    let onData: @Sendable (HTTPResult, [UInt8]) -> Bool
    let started = TransferContext.now()
    var lastByte: Double?
    var lastHeartbeat = 0
    var result = HTTPResult()
    var received = 0
    var tooLarge = false
    var aborted: TransferAbort?

    init(request: HTTPRequest, token: CancelToken, onData: @escaping @Sendable (HTTPResult, [UInt8]) -> Bool) {
        self.token = token
        limit = request.maxResponseBytes
        firstByteSeconds = Double(request.firstByteSeconds)
        stallSeconds = Double(request.stallSeconds)
        whileWaiting = request.whileWaiting
        self.onData = onData
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// The liveness rule, checked on every progress tick: waiting for the first byte is bounded
    /// by its own limit (and the caller's verdict); after it, only silence counts as a stall.
    func shouldAbort() -> Bool {
        if token.isCancelled { return true }
        let now = Self.now()
        guard let lastByte else {
            let waited = now - started
            if waited > firstByteSeconds { aborted = .noFirstByte(seconds: Int(firstByteSeconds)); return true }
            let whole = Int(waited)
            if let whileWaiting, whole > lastHeartbeat {
                lastHeartbeat = whole
                if !whileWaiting(whole) { aborted = .gaveUp(seconds: whole); return true }
            }
            return false
        }
        if now - lastByte > stallSeconds { aborted = .stalled(seconds: Int(stallSeconds)); return true }
        return false
    }
}

// C callbacks must not capture anything; they find their context through `userdata`.
private let writeCallback: curl_write_callback = { pointer, size, count, userdata in
    let length = size * count
    guard let pointer, let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    if context.token.isCancelled { return 0 }  // a short count makes curl abort the transfer
    context.lastByte = TransferContext.now()
    context.received += length
    if context.received > context.limit {
        context.tooLarge = true
        return 0
    }
    let bytes = Array(UnsafeRawBufferPointer(start: pointer, count: length).bindMemory(to: UInt8.self))
    return context.onData(context.result, bytes) ? length : 0
}

private let headerCallback: curl_write_callback = { pointer, size, count, userdata in
    let length = size * count
    guard let pointer, let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    let line = String(
        decoding: UnsafeRawBufferPointer(start: pointer, count: length).bindMemory(to: UInt8.self), as: UTF8.self
    )
    .trimmingCharacters(in: .whitespacesAndNewlines)
    if line.hasPrefix("HTTP/") {
        // A new response (after a redirect or 100-continue) starts over.
        context.result.headers = [:]
        let parts = line.split(separator: " ")
        if parts.count > 1, let status = Int(parts[1]) { context.result.status = status }
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        context.result.headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return length
}

private let progressCallback: curl_xferinfo_callback = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    return Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue().shouldAbort() ? 1 : 0
}
