/// A lossless, byte-level Python tokenizer: every byte of the file belongs to exactly one
/// token, so the tokens give the file back byte for byte. Besides Python's own token kinds
/// it keeps whitespace and line continuations as tokens; INDENT and DEDENT are zero-width.
/// Never fails: what it cannot read becomes an `error` token and reading goes on.
public struct PythonTokenizer {
    public enum Kind: UInt8, Sendable {
        case name, number, string, op, comment
        /// The end of a logical line.
        case newline
        /// A line break that ends no logical line (blank line, inside brackets).
        case nl
        case whitespace
        /// A backslash and the line break after it.
        case continuation
        case indent, dedent
        case error
        case endMarker
    }

    /// One token: its kind and its byte range in the source.
    public struct Token: Sendable, Equatable {
        public var kind: Kind
        public var start: Int
        public var end: Int
        public var isSignificant: Bool { kind != .whitespace && kind != .comment && kind != .nl && kind != .continuation }
    }

    public static func tokenize(_ source: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(source.count / 4)
        source.withUnsafeBufferPointer { p in tokenize(p, into: &tokens) }
        return tokens
    }

    static func isNameStart(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b == 95 || b >= 0x80 }
    static func isNameByte(_ b: UInt8) -> Bool { isNameStart(b) || (b >= 48 && b <= 57) }

    static func tokenize(_ p: UnsafeBufferPointer<UInt8>, into tokens: inout [Token]) {
        let n = p.count
        var i = 0
        var depth = 0
        var indents: [Int] = [0]
        var atLineStart = true
        var lineHasCode = false
        // A byte-order mark is kept as whitespace.
        if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF {
            tokens.append(Token(kind: .whitespace, start: 0, end: 3))
            i = 3
        }
        while i < n {
            let b = p[i]
            if atLineStart && depth == 0 {
                atLineStart = false
                var j = i
                var column = 0
                while j < n, p[j] == 32 || p[j] == 9 || p[j] == 12 {
                    column = p[j] == 9 ? (column / 8 + 1) * 8 : (p[j] == 12 ? 0 : column + 1)
                    j += 1
                }
                if j > i { tokens.append(Token(kind: .whitespace, start: i, end: j)) }
                i = j
                // Blank and comment-only lines do not change indentation.
                if j >= n || p[j] == 10 || p[j] == 13 || p[j] == 35 || (p[j] == 92 && j + 1 < n && (p[j + 1] == 10 || p[j + 1] == 13)) { continue }
                if column > indents.last! {
                    indents.append(column)
                    tokens.append(Token(kind: .indent, start: j, end: j))
                } else {
                    while column < indents.last! {
                        indents.removeLast()
                        tokens.append(Token(kind: .dedent, start: j, end: j))
                    }
                }
                continue
            }
            switch b {
            case 10, 13:
                let end = (b == 13 && i + 1 < n && p[i + 1] == 10) ? i + 2 : i + 1
                tokens.append(Token(kind: (depth == 0 && lineHasCode) ? .newline : .nl, start: i, end: end))
                if depth == 0 { lineHasCode = false; atLineStart = true }
                i = end
            case 32, 9, 12:
                var j = i + 1
                while j < n, p[j] == 32 || p[j] == 9 || p[j] == 12 { j += 1 }
                tokens.append(Token(kind: .whitespace, start: i, end: j))
                i = j
            case 35:
                var j = i + 1
                while j < n, p[j] != 10, p[j] != 13 { j += 1 }
                tokens.append(Token(kind: .comment, start: i, end: j))
                i = j
            case 92 where i + 1 < n && (p[i + 1] == 10 || p[i + 1] == 13):
                let end = (p[i + 1] == 13 && i + 2 < n && p[i + 2] == 10) ? i + 3 : i + 2
                tokens.append(Token(kind: .continuation, start: i, end: end))
                i = end
            case 34, 39:
                lineHasCode = true
                let end = scanString(p, quoteAt: i, raw: false)
                tokens.append(Token(kind: end.ok ? .string : .error, start: i, end: end.end))
                i = end.end
            case 48...57:
                lineHasCode = true
                let end = scanNumber(p, i)
                tokens.append(Token(kind: .number, start: i, end: end))
                i = end
            case 46 where i + 1 < n && p[i + 1] >= 48 && p[i + 1] <= 57:
                lineHasCode = true
                let end = scanNumber(p, i)
                tokens.append(Token(kind: .number, start: i, end: end))
                i = end
            default:
                if isNameStart(b) {
                    lineHasCode = true
                    var j = i + 1
                    while j < n, isNameByte(p[j]) { j += 1 }
                    // A string prefix (r, b, u, f and their pairs) right before a quote.
                    if let string = prefixedString(p, nameStart: i, nameEnd: j) {
                        tokens.append(Token(kind: string.ok ? .string : .error, start: i, end: string.end))
                        i = string.end
                    } else {
                        tokens.append(Token(kind: .name, start: i, end: j))
                        i = j
                    }
                    continue
                }
                lineHasCode = true
                let length = operatorLength(p, i)
                if length == 0 {
                    tokens.append(Token(kind: .error, start: i, end: i + 1))
                    i += 1
                    continue
                }
                if length == 1 {
                    if b == 40 || b == 91 || b == 123 { depth += 1 }
                    if b == 41 || b == 93 || b == 125 { depth = max(0, depth - 1) }
                }
                tokens.append(Token(kind: .op, start: i, end: i + length))
                i += length
            }
        }
        if lineHasCode { tokens.append(Token(kind: .newline, start: n, end: n)) }
        while indents.count > 1 {
            indents.removeLast()
            tokens.append(Token(kind: .dedent, start: n, end: n))
        }
        tokens.append(Token(kind: .endMarker, start: n, end: n))
    }

    /// The string a name of string-prefix letters (`rb`, `f`, …) opens when a quote follows
    /// it; nil when the name is a name.
    static func prefixedString(_ p: UnsafeBufferPointer<UInt8>, nameStart: Int, nameEnd: Int) -> (end: Int, ok: Bool)? {
        guard nameEnd < p.count, p[nameEnd] == 34 || p[nameEnd] == 39, nameEnd - nameStart <= 2, isStringPrefix(p, nameStart, nameEnd) else { return nil }
        let raw = (nameStart..<nameEnd).contains { p[$0] == 114 || p[$0] == 82 }
        let formatted = (nameStart..<nameEnd).contains { p[$0] == 102 || p[$0] == 70 }
        return scanString(p, quoteAt: nameEnd, raw: raw, formatted: formatted)
    }

    static func isStringPrefix(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var seen: Set<UInt8> = []
        for k in start..<end {
            let c = p[k] | 0x20
            guard c == 114 || c == 98 || c == 117 || c == 102, seen.insert(c).inserted else { return false }
        }
        if seen.contains(117) && seen.count > 1 { return false }
        if seen.contains(98) && seen.contains(102) { return false }
        return true
    }

    /// The end of the string whose opening quote is at `q`; `ok` is false when it is not
    /// closed. An f-string's replacement fields are read as code (Python 3.12, PEP 701):
    /// they may hold strings with the same quote, nested f-strings and comments.
    static func scanString(_ p: UnsafeBufferPointer<UInt8>, quoteAt q: Int, raw: Bool, formatted: Bool = false) -> (end: Int, ok: Bool) {
        let n = p.count
        let quote = p[q]
        let triple = q + 2 < n && p[q + 1] == quote && p[q + 2] == quote
        var j = q + (triple ? 3 : 1)
        while j < n {
            let c = p[j]
            if c == 92 { j += 2; continue }
            if formatted, c == 123 {
                if j + 1 < n, p[j + 1] == 123 { j += 2; continue }
                // A field that never closes: read the string as 3.11 would, fields as text.
                guard let after = scanField(p, from: j + 1) else { return scanString(p, quoteAt: q, raw: raw, formatted: false) }
                j = after
                continue
            }
            if triple {
                if c == quote, j + 2 < n, p[j + 1] == quote, p[j + 2] == quote { return (j + 3, true) }
            } else {
                if c == quote { return (j + 1, true) }
                if c == 10 || c == 13 { return (j, false) }
            }
            j += 1
        }
        return (n, false)
    }

    /// A replacement field of an f-string, from just after its `{`: the index just after
    /// its `}`, or nil when it does not close.
    static func scanField(_ p: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let n = p.count
        var j = start
        var depth = 0
        while j < n {
            let c = p[j]
            switch c {
            case 34, 39:
                let string = scanString(p, quoteAt: j, raw: false)
                guard string.ok else { return nil }
                j = string.end
                continue
            case 35: // a comment, to the end of its line
                while j < n, p[j] != 10, p[j] != 13 { j += 1 }
                continue
            case 40, 91, 123: depth += 1
            case 41, 93: depth -= 1
            case 125:
                if depth == 0 { return j + 1 }
                depth -= 1
            case 58 where depth == 0:
                // The format spec: text with nested fields, up to the field's `}`.
                j += 1
                while j < n {
                    if p[j] == 123 {
                        guard let after = scanField(p, from: j + 1) else { return nil }
                        j = after
                        continue
                    }
                    if p[j] == 125 { return j + 1 }
                    if p[j] == 92 { j += 2; continue }
                    j += 1
                }
                return nil
            default:
                if isNameStart(c) {
                    var k = j + 1
                    while k < n, isNameByte(p[k]) { k += 1 }
                    if let string = prefixedString(p, nameStart: j, nameEnd: k) {
                        guard string.ok else { return nil }
                        j = string.end
                    } else {
                        j = k
                    }
                    continue
                }
            }
            j += 1
        }
        return nil
    }

    static func scanNumber(_ p: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        let n = p.count
        var j = start
        while j < n {
            let c = p[j]
            if isNameByte(c) || c == 46 {
                // exponent sign: 1e-5, 1E+5
                if (c == 101 || c == 69), j + 1 < n, p[j + 1] == 43 || p[j + 1] == 45,
                   !(j > start + 1 && (p[start + 1] | 0x20) == 120) {
                    j += 2
                    continue
                }
                j += 1
            } else {
                break
            }
        }
        return j
    }

    static func operatorLength(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let n = p.count
        let a = p[i]
        let b: UInt8 = i + 1 < n ? p[i + 1] : 0
        let c: UInt8 = i + 2 < n ? p[i + 2] : 0
        if (a == 42 && b == 42 && c == 61) || (a == 47 && b == 47 && c == 61) || (a == 62 && b == 62 && c == 61)
            || (a == 60 && b == 60 && c == 61) || (a == 46 && b == 46 && c == 46) { return 3 }
        switch (a, b) {
        case (45, 62), (42, 42), (47, 47), (61, 61), (33, 61), (60, 61), (62, 61), (60, 60), (62, 62),
             (43, 61), (45, 61), (42, 61), (47, 61), (37, 61), (38, 61), (124, 61), (94, 61), (64, 61), (58, 61):
            return 2
        default:
            break
        }
        switch a {
        case 40, 41, 91, 93, 123, 125, 58, 44, 59, 43, 45, 42, 47, 124, 38, 60, 62, 61, 46, 37, 126, 94, 64, 33:
            return 1
        default:
            return 0
        }
    }
}
