import CNcursesw

/// Turns ncurses key codes and mouse states into `Msg`s; pure apart from the constants.
enum InputDecoder {
    static func character(_ code: UInt32) -> Key? {
        switch code {
        case 27: return .escape
        case 13, 10: return .enter
        case 9: return .tab
        case 127, 8: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(code + 96)!))
        default: return Unicode.Scalar(code).map { .char(Character($0)) }
        }
    }

    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_BTAB: return .backTab
        case KEY_DC: return .delete
        case (KEY_F0 + 1)...(KEY_F0 + 12): return .function(Int(code - KEY_F0))
        default: return nil
        }
    }

    static func mouse(buttons: mmask_t, x: Int, y: Int) -> Msg? {
        if buttons & cn_button4_pressed() != 0 { return .mouse(MouseEvent(.wheelUp, x: x, y: y)) }
        if buttons & cn_button5_pressed() != 0 { return .mouse(MouseEvent(.wheelDown, x: x, y: y)) }
        if buttons & (cn_button1_pressed() | cn_button1_clicked()) != 0 {
            return .mouse(MouseEvent(.press, x: x, y: y))
        }
        return nil
    }
}

/// Maps theme colours onto what the terminal has: all 256, or the 8 basic colours.
enum ColorMapping {
    static func index(_ color: Color, colors: Int32) -> Int32 {
        guard case .indexed(let value) = color else { return -1 }
        if colors >= 256 { return Int32(value) }
        return Int32(basic(value))
    }

    /// The nearest of the 8 ANSI colours for an xterm-256 index.
    static func basic(_ index: UInt8) -> UInt8 {
        if index < 16 { return index % 8 }
        let (r, g, b): (Int, Int, Int)
        if index >= 232 {
            let level = 8 + 10 * Int(index - 232)
            (r, g, b) = (level, level, level)
        } else {
            let cube = Int(index) - 16
            let levels = [0, 95, 135, 175, 215, 255]
            (r, g, b) = (levels[cube / 36], levels[cube / 6 % 6], levels[cube % 6])
        }
        // Only a colour that is nearly black becomes black: a dark grey border on the default
        // black background would vanish. Otherwise bit i of the ANSI colour is set when that
        // channel carries at least half the strongest one: red 1, green 2, blue 4 (so greys → white).
        let strongest = max(r, g, b)
        guard strongest >= 64 else { return 0 }
        let half = strongest / 2
        return UInt8((r >= half && r > 0 ? 1 : 0) | (g >= half && g > 0 ? 2 : 0) | (b >= half && b > 0 ? 4 : 0))
    }
}
