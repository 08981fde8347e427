/// Decodes the HTML character references found in Amazon titles (`&amp;`, `&quot;`, `&#39;`,
/// `&reg;`, `&eacute;` …). Unknown names are left as written so nothing is silently lost.
public enum HTMLEntities {
    static let named: [Substring: Character] = [
        "amp": "&", "quot": "\"", "apos": "'", "lt": "<", "gt": ">", "nbsp": " ",
        "reg": "®", "trade": "™", "copy": "©", "deg": "°", "frac12": "½", "frac14": "¼",
        "frac34": "¾", "times": "×", "plusmn": "±", "micro": "µ", "middot": "·",
        "ndash": "–", "mdash": "—", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”",
        "hellip": "…", "bull": "•", "eacute": "é", "egrave": "è", "ecirc": "ê", "aacute": "á",
        "agrave": "à", "acirc": "â", "iacute": "í", "oacute": "ó", "ocirc": "ô", "uacute": "ú",
        "uuml": "ü", "ouml": "ö", "auml": "ä", "euml": "ë", "iuml": "ï", "ntilde": "ñ",
        "ccedil": "ç", "szlig": "ß", "Uuml": "Ü", "Ouml": "Ö", "Auml": "Ä", "Eacute": "É",
        "aring": "å", "oslash": "ø", "sup2": "²", "sup3": "³", "euro": "€", "pound": "£",
    ]

    public static func decode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }  // most titles; a byte scan
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(10).firstIndex(of: ";"), let ch = character(for: after[..<semi]) {
                out.append(ch)
                rest = after[after.index(after: semi)...]
            } else {
                out.append("&")
                rest = after
            }
        }
        return out + rest
    }

    private static func character(for reference: Substring) -> Character? {
        if reference.hasPrefix("#x") || reference.hasPrefix("#X") {
            return UInt32(reference.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map(Character.init)
        }
        if reference.hasPrefix("#") {
            return UInt32(reference.dropFirst()).flatMap(Unicode.Scalar.init).map(Character.init)
        }
        return named[reference]
    }
}
