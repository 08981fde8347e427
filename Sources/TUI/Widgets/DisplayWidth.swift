/// glibc's wcwidth, the function ncursesw itself uses, so the buffer and the screen agree on
/// how many columns a character takes. Declared here because Swift's Glibc module hides it.
@_silgen_name("wcwidth")
private func c_wcwidth(_ character: Int32) -> Int32

/// Terminal column widths of characters and strings.
public enum DisplayWidth {
    /// 0 for combining marks and controls, 2 for wide (CJK) characters, 1 otherwise.
    /// Needs a UTF-8 LC_CTYPE (the app and the tests set C.UTF-8); negative answers count as 1.
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if first.value < 0x20 || first.value == 0x7F { return 0 }
        let width = Int(c_wcwidth(Int32(bitPattern: first.value)))
        if width < 0 { return 1 }
        return min(width, 2)
    }

    public static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// The longest prefix of `text` that fits in `columns`, with "…" when something was cut.
    public static func truncate(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if of(text) <= columns { return text }
        var out = ""
        var used = 0
        for ch in text {
            let w = of(ch)
            if used + w > columns - 1 { break }
            out.append(ch)
            used += w
        }
        return out + "…"
    }

    /// `text` padded with spaces (or truncated) to exactly `columns`.
    public static func pad(_ text: String, to columns: Int) -> String {
        let cut = truncate(text, to: columns)
        return cut + String(repeating: " ", count: max(0, columns - of(cut)))
    }
}
