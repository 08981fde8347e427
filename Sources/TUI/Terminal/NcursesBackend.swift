import CNcursesw
import Foundation

/// The only code that talks to ncurses: draws a `Buffer` and turns input into `Msg`s.
/// All calls must come from one thread (ncurses is not thread-safe).
final class NcursesBackend {
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private var pairs: [Style: Int32] = [:]
    private let colorCount: Int32
    /// The frame on the screen, to draw only what changes; nil forces a full redraw.
    private var lastDrawn: Buffer?
    /// One cell's characters for ncurses, reused so drawing allocates nothing per cell.
    private var wide = [wchar_t](repeating: 0, count: Int(CCHARW_MAX) + 1)
    /// Ends a wait for input early when background work posts a message.
    let wakeup: Wakeup?

    struct StartFailure: Error, CustomStringConvertible { let description: String }

    init(wakeup: Wakeup? = nil) throws {
        self.wakeup = wakeup
        setlocale(LC_ALL, "")
        if cn_codeset_is_utf8() == 0 { setlocale(LC_CTYPE, "C.UTF-8") }
        guard let screen = cn_newterm_stdio(nil) else {
            let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
            throw StartFailure(description: "cannot start the terminal UI: unknown terminal type TERM=\(term)")
        }
        self.screen = screen
        window = cn_stdscr()
        raw(); noecho(); nonl()
        keypad(window, true)
        curs_set(0)
        set_escdelay(25)
        if has_colors() {
            start_color()
            use_default_colors()
        }
        colorCount = has_colors() ? cn_colors() : 0
        _ = mousemask(cn_all_mouse_events(), nil)
        mouseinterval(0)
    }

    var size: (width: Int, height: Int) { (Int(cn_getmaxx(window)), Int(cn_getmaxy(window))) }

    /// Writes the cells that differ from the last frame (every cell after a resize); ncurses
    /// then sends only what changed on its own copy of the screen. Rewriting all 7,680 cells of a
    /// 160×48 frame for a one-row move was most of a key press's time.
    func draw(_ buffer: Buffer) {
        cn_attr_set(window, cn_a_normal(), 0)
        let (width, height) = size
        let previous = lastDrawn.flatMap { $0.width == buffer.width && $0.height == buffer.height ? $0 : nil }
        for y in 0..<min(height, buffer.height) {
            for x in 0..<min(width, buffer.width) {
                let cell = buffer[x, y]
                if cell.isContinuation || previous?[x, y] == cell { continue }
                put(cell, x: x, y: y)
            }
        }
        lastDrawn = (width, height) == (buffer.width, buffer.height) ? buffer : nil
        wnoutrefresh(window)
        doupdate()
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        let attrs = attributes(cell.style.modifiers)
        let pair = pairNumber(cell.style)
        var count = 0
        for scalar in cell.symbol.unicodeScalars.prefix(Int(CCHARW_MAX) - 1) {
            wide[count] = wchar_t(bitPattern: scalar.value)
            count += 1
        }
        wide[count] = 0
        // A width-1 cell in the last column must not be a wide character's left half.
        if cn_put_wch(window, Int32(y), Int32(x), &wide, attrs, pair) == ERR, count > 1 {
            wide[1] = 0  // emoji sequences do not fit a cchar_t: the base character alone
            _ = cn_put_wch(window, Int32(y), Int32(x), &wide, attrs, pair)
        }
    }

    /// Waits up to `timeoutMs` for input or a wake-up; `nil` on timeout or wake-up.
    func poll(timeoutMs: Int32) -> Msg? {
        // Input ncurses has already read (the rest of a paste, a queued key) comes first: poll(2)
        // on the descriptor would not see it.
        if let msg = nextInput(timeoutMs: 0) { return msg }
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)]
        if let wakeup { fds.append(pollfd(fd: wakeup.readEnd, events: Int16(POLLIN), revents: 0)) }
        _ = Glibc.poll(&fds, nfds_t(fds.count), timeoutMs)  // EINTR (a resize) reads below
        if fds.count > 1, fds[1].revents != 0 { wakeup?.drain() }
        return nextInput(timeoutMs: 0)
    }

    private func nextInput(timeoutMs: Int32) -> Msg? {
        wtimeout(window, timeoutMs)
        var code: wint_t = 0
        let result = wget_wch(window, &code)
        if result == ERR { return nil }
        if result == KEY_CODE_YES { return functionKey(Int32(code)) }
        return InputDecoder.character(UInt32(code)).map { .key($0) }
    }

    func close() {
        // Blank the screen first: a terminal without an alternate screen (or one that reflows
        // it into the scrollback on a resize) would otherwise keep the last frame.
        werase(window)
        wrefresh(window)
        endwin()
        delscreen(screen)
    }

    private func functionKey(_ code: Int32) -> Msg? {
        switch code {
        case KEY_RESIZE:
            lastDrawn = nil  // ncurses resized its screen: what it holds is no longer known
            let (width, height) = size
            return .resized(width: width, height: height)
        case KEY_MOUSE:
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            return InputDecoder.mouse(buttons: event.bstate, x: Int(event.x), y: Int(event.y))
        default:
            return InputDecoder.functionKey(code).map { .key($0) }
        }
    }

    private func attributes(_ modifiers: Modifiers) -> attr_t {
        var attrs = cn_a_normal()
        if modifiers.contains(.bold) { attrs |= cn_a_bold() }
        if modifiers.contains(.dim) { attrs |= cn_a_dim() }
        if modifiers.contains(.italic) { attrs |= cn_a_italic() }
        if modifiers.contains(.underline) { attrs |= cn_a_underline() }
        if modifiers.contains(.reverse) { attrs |= cn_a_reverse() }
        return attrs
    }

    /// Colour pairs are allocated lazily, one per (fg, bg) combination in use.
    private func pairNumber(_ style: Style) -> Int32 {
        guard colorCount > 0 else { return 0 }
        let key = Style(fg: style.fg, bg: style.bg)
        if key.fg == .terminalDefault && key.bg == .terminalDefault { return 0 }
        if let pair = pairs[key] { return pair }
        let pair = Int32(pairs.count + 1)
        init_extended_pair(
            pair, ColorMapping.index(key.fg, colors: colorCount), ColorMapping.index(key.bg, colors: colorCount))
        pairs[key] = pair
        return pair
    }
}
