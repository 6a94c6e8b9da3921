/// A byte-level, non-validating XML scanner for test reports: start and end tags with
/// attributes, text with entities decoded, CDATA, comments, processing instructions and
/// doctype skipped. Fast enough for a million-test report, and precise about where a
/// broken file breaks.
public struct XMLScanner {
    /// What the scanner reports, in document order.
    public enum Event {
        case start(name: String, attributes: [String: String], selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    /// A malformed document: what was expected and where.
    public struct SyntaxError: Error, Sendable {
        public var message: String
        public var offset: Int
        /// The document ends in the middle of markup: cut off rather than malformed.
        public var atEnd = false
    }

    private let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The 1-based line and column of a byte offset, for messages.
    public static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, column = 1
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            if bytes[i] == 10 { line += 1; column = 1 } else { column += 1 }
            i += 1
        }
        return (line, column)
    }

    /// Scans the whole document, calling `handle` for every event. `wantText` says, per
    /// current element depth, whether text is needed (text nobody wants is not decoded).
    /// Returns the depth left open at the end (0 for a complete document).
    @discardableResult
    public func scan(wantText: () -> Bool, _ handle: (Event) throws -> Void) throws -> Int {
        let n = bytes.count
        var i = 0
        var open: [String] = []
        var depth: Int { open.count }
        var sawRoot = false
        return try bytes.withUnsafeBufferPointer { p -> Int in
            func fail(_ message: String, _ at: Int) -> SyntaxError { SyntaxError(message: message, offset: at) }
            func cut(_ message: String, _ at: Int) -> SyntaxError { SyntaxError(message: message, offset: at, atEnd: true) }
            func find(_ a: UInt8, _ b: UInt8, _ c: UInt8, from: Int) -> Int? {
                var j = from
                while j + 2 < n {
                    if p[j] == a, p[j + 1] == b, p[j + 2] == c { return j }
                    j += 1
                }
                return nil
            }
            while i < n {
                if p[i] != 60 { // text
                    let start = i
                    while i < n, p[i] != 60 { i += 1 }
                    if depth > 0, wantText() {
                        try handle(.text(XMLScanner.decode(p, start, i)))
                    } else if depth == 0 {
                        for j in start..<i where !(p[j] == 32 || p[j] == 10 || p[j] == 13 || p[j] == 9 || (j < 3 && (p[j] == 0xEF || p[j] == 0xBB || p[j] == 0xBF))) {
                            throw fail(sawRoot ? "text after the root element" : "text before the root element (not an XML report?)", j)
                        }
                    }
                    continue
                }
                // i at '<'
                guard i + 1 < n else { throw cut("document ends inside a tag", i) }
                let next = p[i + 1]
                if next == 63 { // <? … ?>
                    guard let end = XMLScanner.find([63, 62], in: p, from: i + 2) else {
                        throw cut("unterminated processing instruction", i)
                    }
                    i = end + 2
                    continue
                }
                if next == 33 { // <!-- -->, <![CDATA[ ]]>, <!DOCTYPE >
                    if i + 3 < n, p[i + 2] == 45, p[i + 3] == 45 {
                        guard let end = find(45, 45, 62, from: i + 4) else { throw cut("unterminated comment", i) }
                        i = end + 3
                        continue
                    }
                    if i + 8 < n, p[i + 2] == 91, p[i + 3] == 67 { // <![C
                        let start = i + 9
                        guard let end = find(93, 93, 62, from: start) else { throw cut("unterminated CDATA section", i) }
                        if depth > 0, wantText() {
                            try handle(.text(String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self)))
                        }
                        i = end + 3
                        continue
                    }
                    var j = i + 2
                    while j < n, p[j] != 62 { j += 1 }
                    guard j < n else { throw cut("unterminated declaration", i) }
                    i = j + 1
                    continue
                }
                if next == 47 { // </name>
                    var j = i + 2
                    let nameStart = j
                    while j < n, p[j] != 62, !XMLScanner.isSpace(p[j]) { j += 1 }
                    let name = String(decoding: UnsafeBufferPointer(rebasing: p[nameStart..<j]), as: UTF8.self)
                    while j < n, p[j] != 62 { j += 1 }
                    guard j < n else { throw cut("document ends inside the end tag </\(name)>", i) }
                    guard let innermost = open.last else { throw fail("end tag </\(name)> with no open element", i) }
                    guard innermost == name else { throw fail("end tag </\(name)> does not close <\(innermost)>", i) }
                    open.removeLast()
                    try handle(.end(name: name))
                    i = j + 1
                    continue
                }
                // start tag
                var j = i + 1
                let nameStart = j
                while j < n, !XMLScanner.isSpace(p[j]), p[j] != 62, p[j] != 47 { j += 1 }
                guard j > nameStart else { throw fail("a '<' that starts no tag", i) }
                if sawRoot && depth == 0 { throw fail("a second root element", i) }
                let name = String(decoding: UnsafeBufferPointer(rebasing: p[nameStart..<j]), as: UTF8.self)
                var attributes: [String: String] = [:]
                var selfClosing = false
                while true {
                    while j < n, XMLScanner.isSpace(p[j]) { j += 1 }
                    guard j < n else { throw cut("document ends inside the tag <\(name)>", i) }
                    if p[j] == 62 { j += 1; break }
                    if p[j] == 47 {
                        guard j + 1 < n, p[j + 1] == 62 else { throw fail("expected '>' after '/' in <\(name)>", j) }
                        selfClosing = true
                        j += 2
                        break
                    }
                    let keyStart = j
                    while j < n, p[j] != 61, !XMLScanner.isSpace(p[j]), p[j] != 62 { j += 1 }
                    if j >= n { throw cut("document ends inside the tag <\(name)>", i) }
                    let key = String(decoding: UnsafeBufferPointer(rebasing: p[keyStart..<j]), as: UTF8.self)
                    while j < n, XMLScanner.isSpace(p[j]) { j += 1 }
                    if j >= n { throw cut("document ends inside the tag <\(name)>", i) }
                    guard p[j] == 61 else { throw fail("attribute '\(key)' of <\(name)> has no value", j) }
                    j += 1
                    while j < n, XMLScanner.isSpace(p[j]) { j += 1 }
                    if j >= n { throw cut("document ends inside the tag <\(name)>", i) }
                    guard p[j] == 34 || p[j] == 39 else { throw fail("attribute '\(key)' of <\(name)> is not quoted", j) }
                    let quote = p[j]
                    let valueStart = j + 1
                    j = valueStart
                    while j < n, p[j] != quote { j += 1 }
                    guard j < n else { throw cut("document ends inside attribute '\(key)' of <\(name)>", valueStart) }
                    attributes[key] = XMLScanner.decode(p, valueStart, j)
                    j += 1
                }
                sawRoot = true
                try handle(.start(name: name, attributes: attributes, selfClosing: selfClosing))
                if selfClosing {
                    try handle(.end(name: name))
                } else {
                    open.append(name)
                }
                i = j
            }
            if !sawRoot { throw fail("no XML element found", 0) }
            return depth
        }
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 10 || b == 13 || b == 9 }

    /// Decodes entities in bytes[start..<end]; invalid UTF-8 becomes U+FFFD.
    static func decode(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        var hasEntity = false
        for j in start..<end where p[j] == 38 { hasEntity = true; break }
        if !hasEntity { return String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var j = start
        while j < end {
            let b = p[j]
            if b != 38 { out.append(b); j += 1; continue }
            var k = j + 1
            while k < end, k - j < 12, p[k] != 59 { k += 1 }
            guard k < end, p[k] == 59 else { out.append(b); j += 1; continue }
            let entity = String(decoding: UnsafeBufferPointer(rebasing: p[(j + 1)..<k]), as: UTF8.self)
            switch entity {
            case "lt": out.append(60)
            case "gt": out.append(62)
            case "amp": out.append(38)
            case "quot": out.append(34)
            case "apos": out.append(39)
            default:
                var scalar: UInt32? = nil
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { scalar = UInt32(entity.dropFirst(2), radix: 16) }
                else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst(), radix: 10) }
                if let scalar, let u = Unicode.Scalar(scalar) {
                    out += Array(String(Character(u)).utf8)
                } else {
                    out += Array(p[j...k])
                }
            }
            j = k + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
