/// An incremental parser for server-sent events, fed raw bytes as they arrive.
///
/// Lines end in LF, CRLF or CR; a line is decoded only once complete, so a UTF-8 character split
/// across chunks arrives whole. `:` lines are comments; `data` lines accumulate (joined by "\n")
/// until a blank line dispatches the event.
public struct SSEParser: Sendable {
    public struct Event: Equatable, Sendable {
        public var event: String?
        public var data: String
        public var id: String?
    }

    private var line: [UInt8] = []
    private var lastWasCR = false
    private var dataLines: [String] = []
    private var eventName: String?
    private var eventID: String?

    public init() {}

    /// Feeds bytes and returns the events they complete.
    public mutating func feed<S: Sequence>(_ bytes: S) -> [Event] where S.Element == UInt8 {
        var events: [Event] = []
        for byte in bytes {
            if lastWasCR {
                lastWasCR = false
                if byte == 10 { continue }  // CRLF: the CR already ended the line
            }
            if byte == 10 || byte == 13 {
                lastWasCR = byte == 13
                if let event = endLine() { events.append(event) }
            } else {
                line.append(byte)
            }
        }
        return events
    }

    /// Call at the end of the stream: an unterminated final event is still delivered.
    public mutating func finish() -> [Event] {
        var events: [Event] = []
        if !line.isEmpty, let event = endLine() { events.append(event) }
        if let event = endLine() { events.append(event) }
        return events
    }

    private mutating func endLine() -> Event? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            guard !dataLines.isEmpty else { eventName = nil; return nil }
            let event = Event(event: eventName, data: dataLines.joined(separator: "\n"), id: eventID)
            dataLines.removeAll()
            eventName = nil
            return event
        }
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix(":") { return nil }
        let field: Substring, value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            var rest = text[text.index(after: colon)...]
            if rest.first == " " { rest = rest.dropFirst() }
            value = rest
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "data": dataLines.append(String(value))
        case "event": eventName = String(value)
        case "id": eventID = String(value)
        default: break  // "retry" and unknown fields are ignored
        }
        return nil
    }
}
