/// A key press, decoded from the terminal.
public enum Key: Hashable, Sendable {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab, backTab, delete
    case function(Int)
}

/// A mouse event in screen coordinates.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case press, wheelUp, wheelDown }
    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}

/// Everything that can happen to the app; `update` handles each.
public enum Msg: Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resized(width: Int, height: Int)
}

/// Work the runtime performs for `update`; plain data, never a closure over the model.
public enum Effect: Hashable, Sendable {
    case quit
}
