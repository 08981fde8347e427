/// One screen position: a character and its style. The right half of a wide character is a
/// continuation cell that the backend skips.
public struct Cell: Hashable, Sendable {
    public var symbol: Character
    public var style: Style
    public var isContinuation: Bool

    public init(_ symbol: Character = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.symbol = symbol
        self.style = style
        self.isContinuation = isContinuation
    }
}

/// A grid of cells that `view` draws into and the terminal backend copies to the screen.
public struct Buffer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, style: Style = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(style: style), count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` from (x, y), clipped to `clip` (the whole buffer by default). A wide
    /// character that would straddle the clip edge is replaced by a space, never split.
    /// Returns the column after the last character written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style, clip: Rect? = nil) -> Int {
        let bounds = (clip ?? area).intersection(area)
        guard y >= bounds.y, y < bounds.maxY else { return x }
        var column = x
        for ch in text {
            let w = DisplayWidth.of(ch)
            if w == 0 { continue }
            if column >= bounds.maxX { break }
            if column >= bounds.x {
                if w == 2 && column + 1 >= bounds.maxX {
                    self[column, y] = Cell(" ", style: style)
                    return column + 1
                }
                self[column, y] = Cell(ch, style: style)
                if w == 2 { self[column + 1, y] = Cell(" ", style: style, isContinuation: true) }
            }
            column += w
        }
        return column
    }

    /// Paints every cell of `rect` with `style`, keeping the symbols.
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        let r = rect.intersection(area)
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { self[x, y].style = style } }
    }

    /// Blanks `rect` with spaces in `style`.
    public mutating func clear(_ rect: Rect, style: Style = .plain) {
        let r = rect.intersection(area)
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { self[x, y] = Cell(style: style) } }
    }

    /// The text of each row with trailing spaces removed: the snapshot tests compare against.
    public func lines() -> [String] {
        (0..<height).map { y in
            var row = ""
            for x in 0..<width where !self[x, y].isContinuation { row.append(self[x, y].symbol) }
            while row.last == " " { row.removeLast() }
            return row
        }
    }

    /// Row `y` as runs of equally styled text, for picture tests that check colour as well as
    /// text: `[("●1 ", bold bundle 0), ("Tea tasting", bundle 0), …]`.
    public func styleRuns(row y: Int) -> [(text: String, style: Style)] {
        var runs: [(text: String, style: Style)] = []
        for x in 0..<width where !self[x, y].isContinuation {
            let cell = self[x, y]
            if let last = runs.last, last.style == cell.style {
                runs[runs.count - 1].text.append(cell.symbol)
            } else {
                runs.append((String(cell.symbol), cell.style))
            }
        }
        return runs
    }

    /// The first position where `text` appears in row order, for style assertions in tests.
    public func find(_ text: String) -> (x: Int, y: Int)? {
        for y in 0..<height {
            var row: [(Character, Int)] = []
            for x in 0..<width where !self[x, y].isContinuation { row.append((self[x, y].symbol, x)) }
            let symbols = String(row.map(\.0))
            if let range = symbols.range(of: text) {
                return (row[symbols.distance(from: symbols.startIndex, to: range.lowerBound)].1, y)
            }
        }
        return nil
    }
}
