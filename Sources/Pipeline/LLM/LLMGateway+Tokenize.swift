import Foundation

/// The serving model's own token count of a text: llama-server's `POST /tokenize` on the role's
/// first base URL (without `/v1`), cached per text. nil where the server has no such endpoint
/// (OpenAI, some OpenAI-compatible servers): the caller keeps its estimate there.
extension LLMGateway {
    public func tokenCount(_ role: LLMRole, _ text: String) async throws -> Int? {
        let cacheKey = "\(role.rawValue)\u{0}\(text)"
        if let known = tokenCounts.withLock({ $0[cacheKey] }) { return known }
        if noTokenizer.withLock({ $0.contains(role) }) { return nil }
        guard var root = config.endpoint(role).baseURLs.first else { return nil }
        if root.hasSuffix("/") { root.removeLast() }
        if root.hasSuffix("/v1") { root.removeLast(3) }
        try await prepareNetwork(role)
        var request = HTTPRequest(url: root + "/tokenize")
        request.method = "POST"
        request.headers = ["Content-Type: application/json"]
        request.body = try JSONSerialization.data(withJSONObject: ["content": text, "add_special": false])
        let body = BodyBuffer()
        let result = await CurlTransport.run(request) { _, bytes in
            body.append(bytes)
            return true
        }
        guard !result.transferFailed, result.status == 200,
            let object = try? JSONSerialization.jsonObject(with: Data(body.bytes)) as? [String: Any],
            let tokens = object["tokens"] as? [Any]
        else {
            noTokenizer.withLock { _ = $0.insert(role) }
            return nil
        }
        tokenCounts.withLock { $0[cacheKey] = tokens.count }
        return tokens.count
    }
}

/// Bytes collected from curl's callback thread.
final class BodyBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [UInt8] = []
    func append(_ bytes: [UInt8]) { lock.withLock { storage += bytes } }
    var bytes: [UInt8] { lock.withLock { storage } }
}
