/// Title cleaning for prompts, following the DICL/AICL preprocessing (docs/datasets.md §5.4):
/// drop every `( … )` group, delete `&quot;` and `&amp;`, collapse runs of spaces, tighten
/// `" ,"` and `". "`, and keep only the text before a `|` so a `|`-joined session stays aligned.
/// Remaining entities are then decoded, which the original left escaped.
public enum TitleCleaning {
    public static func promptTitle(_ rawTitle: String) -> String {
        HTMLEntities.decode(diclClean(rawTitle)).trimmingSpaces()
    }

    /// The DICL rule on the raw, HTML-escaped title, without decoding or trimming.
    public static func diclClean(_ rawTitle: String) -> String {
        var text = removingParentheticals(rawTitle)
        text = text.replacingAll("&quot;", with: "").replacingAll("&amp;", with: "")
        text = collapsingSpaces(text)
        text = text.replacingAll(" ,", with: ",").replacingAll(". ", with: ".")
        if let bar = text.firstIndex(of: "|") { text = String(text[..<bar]) }
        return text
    }

    /// Removes `( … )` groups that contain no other parenthesis, in one left-to-right pass:
    /// the same result as the regex `\([^()]*\)` replaced once, which is what DICL did.
    static func removingParentheticals(_ text: String) -> String {
        var out: [Character] = []
        var openAt: Int?
        for ch in text {
            if ch == "(" {
                openAt = out.count
                out.append(ch)
            } else if ch == ")", let start = openAt {
                out.removeSubrange(start...)
                openAt = nil
            } else {
                out.append(ch)
            }
        }
        return String(out)
    }

    static func collapsingSpaces(_ text: String) -> String {
        var out = ""
        var lastWasSpace = false
        for ch in text {
            if ch == " " {
                if !lastWasSpace { out.append(ch) }
                lastWasSpace = true
            } else {
                out.append(ch)
                lastWasSpace = false
            }
        }
        return out
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }

    /// Newlines and runs of white space folded into single spaces, ends trimmed: crowd-written
    /// intents carry stray spaces and line breaks.
    public var collapsedWhitespace: String {
        split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    func trimmingSpaces() -> String {
        // Most fields start and end with a visible ASCII byte: nothing to trim, no Character walk.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return self
        }
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
