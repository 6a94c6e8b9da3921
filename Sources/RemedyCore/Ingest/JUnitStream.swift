import Glibc

/// Streams a JUnit report into a `TriageAccumulator` without building the run: passing
/// tests are counted by file straight from their attributes' bytes, and only failing,
/// erroring and skipped tests become `TestCase`s. Failures with the same message are read
/// once. What the accumulator must not see yet (skips, for the probe) is handed back.
///
/// For the `triage` of large reports; `JUnitReader` builds the whole `TestRun`.
public struct JUnitStream: Sendable {
    public var dialect: any ResultsDialect

    public init(dialect: any ResultsDialect) { self.dialect = dialect }

    /// What streaming left over: the skipped tests (for the probe) and diagnostics.
    public struct Leftover: Sendable {
        public var skipped: [TestCase] = []
        public var diagnostics: [String] = []
    }

    private struct Range { var start = 0, end = 0; var isEmpty: Bool { end <= start } }

    public func stream(bytes: [UInt8], source: String, into accumulator: inout TriageAccumulator) -> Leftover {
        bytes.withUnsafeBufferPointer { stream(buffer: $0, source: source, into: &accumulator) }
    }

    /// Streams a buffer (a mapped file); `release` is told, every few megabytes, a range
    /// that will not be read again, so a mapping's pages can be given back. (Two halves on
    /// two cores were tried and measured slower here: both cores share one memory path.)
    public func stream(buffer p: UnsafeBufferPointer<UInt8>, source: String, into accumulator: inout TriageAccumulator,
                       release: (Swift.Range<Int>) -> Void = { _ in }) -> Leftover {
        let n = p.count
        var leftover = Leftover()
        var cases = 0, cutOff = false
        (cases, cutOff) = scan(p, 0..<n, into: &accumulator, skipped: &leftover.skipped, release: release)
        if cutOff || (cases > 0 && XMLScanner.find(Array("</testsuite".utf8), in: p, from: max(0, n - 4096)) == nil) {
            leftover.diagnostics.append("\(source): the report is cut off; read \(cases) test case(s) before the end")
        }
        if cases == 0 { leftover.diagnostics.append("\(source): the report holds no test cases") }
        return leftover
    }

    /// Reads the test cases that start in `range` (the last may run past its end); the
    /// count read and whether the report broke off.
    private func scan(_ p: UnsafeBufferPointer<UInt8>, _ range: Swift.Range<Int>, into accumulator: inout TriageAccumulator,
                      skipped: inout [TestCase], release: (Swift.Range<Int>) -> Void) -> (cases: Int, cutOff: Bool) {
        // Class name (and file attribute) → the file's slot, its path and the test ids' prefix,
        // computed once per distinct pair.
        var files: [UInt64: (slot: Int, file: String, prefix: String?)] = [:]
        // Failure message → failure and its cluster's slot, read once per distinct message.
        var failures: [UInt64: (failure: Failure, cluster: Int?)] = [:]
        var cases = 0
        let n = p.count
        var cutOff = false
        var released = range.lowerBound
        do {
            @inline(__always) func hash(_ r: Range, _ seed: UInt64 = 0xcbf29ce484222325) -> UInt64 {
                Self.hash(p, r.start, r.end, seed: seed)
            }
            @inline(__always) func string(_ r: Range) -> String {
                XMLScanner.decodeOrEmpty(p, r.start, r.end)
            }
            @inline(__always) func matches(_ at: Int, _ word: StaticString) -> Bool {
                word.withUTF8Buffer { w in
                    guard at + w.count <= n else { return false }
                    var k = 0
                    while k < w.count { if p[at + k] != w[k] { return false }; k += 1 }
                    return true
                }
            }
            /// Reads attributes from `i` (just after the tag name) to `>`; returns the end and self-closing.
            func attributes(_ i: inout Int, _ visit: (Range, Range) -> Void) -> Bool? {
                while i < n {
                    let b = p[i]
                    if b == 62 { i += 1; return false }
                    if b == 47, i + 1 < n, p[i + 1] == 62 { i += 2; return true }
                    if XMLScanner.isSpace(b) { i += 1; continue }
                    let keyStart = i
                    while i < n, p[i] != 61, p[i] != 62, !XMLScanner.isSpace(p[i]) { i += 1 }
                    let key = Range(start: keyStart, end: i)
                    while i < n, p[i] != 34, p[i] != 39 { if p[i] == 62 { return nil }; i += 1 }
                    guard i < n else { return nil }
                    let quote = p[i]
                    let valueStart = i + 1
                    i = valueStart
                    while i < n, p[i] != quote { i += 1 }
                    guard i < n else { return nil }
                    visit(key, Range(start: valueStart, end: i))
                    i += 1
                }
                return nil
            }
            var i = range.lowerBound
            while i < range.upperBound {
                // Next '<'.
                guard let lt = XMLScanner.find(60, in: p, from: i), lt < range.upperBound else { break }
                i = lt + 1
                guard matches(i, "testcase"), i + 8 < n, XMLScanner.isSpace(p[i + 8]) || p[i + 8] == 47 || p[i + 8] == 62 else { continue }
                i += 8
                var classname = Range(), name = Range(), file = Range(), time = Range()
                guard let selfClosing = attributes(&i, { key, value in
                    switch key.end - key.start {
                    case 9 where matches(key.start, "classname"): classname = value
                    case 4 where matches(key.start, "name"): name = value
                    case 4 where matches(key.start, "file"): file = value
                    case 4 where matches(key.start, "time"): time = value
                    default: break
                    }
                }) else { cutOff = true; break }
                cases += 1
                if lt - released > 8 << 20 {
                    release(released..<lt)
                    released = lt
                }
                let fileKey = hash(file, hash(classname))
                let known: (slot: Int, file: String, prefix: String?)
                if let cached = files[fileKey] {
                    known = cached
                } else {
                    let fileAttribute = file.isEmpty ? nil : string(file)
                    if let prefixed = dialect.testPrefix(classname: string(classname), file: fileAttribute) {
                        known = (accumulator.fileSlot(prefixed.file), prefixed.file, prefixed.prefix)
                    } else {
                        let path = dialect.testIdentity(classname: string(classname), name: "x", file: fileAttribute).file
                        known = (accumulator.fileSlot(path), path, nil)
                    }
                    files[fileKey] = known
                }
                if selfClosing { accumulator.addOutcome(.passed, fileSlot: known.slot); continue }
                // Children up to </testcase>: the first failure, error or skip decides.
                var outcome = Outcome.passed
                var failure: Failure? = nil
                var cluster: Int? = nil
                while i < n {
                    guard let next = XMLScanner.find(60, in: p, from: i) else { i = n; break }
                    i = next + 1
                    if matches(i, "/testcase") {
                        guard let close = XMLScanner.find(62, in: p, from: i) else { i = n; break }
                        i = close + 1
                        break
                    }
                    let tag: String
                    if matches(i, "failure") { tag = "failure"; i += 7 }
                    else if matches(i, "error") { tag = "error"; i += 5 }
                    else if matches(i, "skipped") { tag = "skipped"; i += 7 }
                    else { continue }
                    var message = Range(), type = Range()
                    guard let childClosed = attributes(&i, { key, value in
                        if key.end - key.start == 7, matches(key.start, "message") { message = value }
                        if key.end - key.start == 4, matches(key.start, "type") { type = value }
                    }) else { cutOff = true; break }
                    var text = Range(start: i, end: i)
                    if !childClosed {
                        let closing = "</" + tag + ">"
                        let end = XMLScanner.find(Array(closing.utf8), in: p, from: i) ?? n
                        text = Range(start: i, end: end)
                        i = min(n, end + closing.utf8.count)
                    }
                    guard outcome == .passed else { continue } // the first child decides
                    outcome = Outcome.junit(tag: tag, type: type.isEmpty ? nil : string(type))
                    // Read each distinct message once; "collection failure" and empty messages carry the cause in the text.
                    let generic = message.isEmpty || matches(message.start, "collection failure")
                    let key = hash(type, hash(message, UInt64(tag.utf8.count)))
                    if !generic, let cached = failures[key] {
                        failure = cached.failure
                        cluster = cached.cluster
                    } else {
                        let textString = XMLScanner.decodeOrEmpty(p, text.start, text.end, cdata: true)
                        let made = tag == "skipped"
                            ? dialect.skip(message: message.isEmpty ? nil : string(message), type: type.isEmpty ? nil : string(type), text: textString)
                            : dialect.failure(message: message.isEmpty ? nil : string(message), type: type.isEmpty ? nil : string(type), text: textString, outcome: outcome)
                        failure = made
                        if outcome.isFailure { cluster = accumulator.clusterSlot(for: made) }
                        if !generic { failures[key] = (made, cluster) }
                    }
                }
                if cutOff { break }
                if outcome == .passed { accumulator.addOutcome(.passed, fileSlot: known.slot); continue }
                let id = known.prefix.map { $0 + string(name) }
                    ?? dialect.testIdentity(classname: string(classname), name: string(name), file: file.isEmpty ? nil : string(file)).id
                let duration = time.isEmpty ? nil : Double(string(time))
                let testCase = TestCase(id: id, file: known.file, outcome: outcome, failure: failure, duration: duration)
                if outcome == .skipped {
                    skipped.append(testCase)
                } else {
                    accumulator.add(testCase, fileSlot: known.slot, clusterSlot: outcome.isFailure ? cluster : nil)
                }
            }
        }
        return (cases, cutOff)
    }
}

extension JUnitStream {
    /// FNV-1a over bytes start..<end, eight at a time.
    @inline(__always)
    static func hash(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, seed: UInt64) -> UInt64 {
        guard end > start, let base = p.baseAddress else { return seed }
        let raw = UnsafeRawPointer(base)
        var h = seed
        var i = start
        while i + 8 <= end {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x100000001b3
            h ^= h >> 29
            i += 8
        }
        while i < end { h = (h ^ UInt64(p[i])) &* 0x100000001b3; i += 1 }
        return (h ^ UInt64(end - start)) &* 0x100000001b3
    }
}

extension XMLScanner {
    /// The first `byte` at or after `from`.
    @inline(__always)
    static func find(_ byte: UInt8, in p: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard from < p.count, let base = p.baseAddress else { return nil }
        guard let found = memchr(base + from, Int32(byte), p.count - from) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// The first occurrence of `needle` at or after `from`.
    static func find(_ needle: [UInt8], in p: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        needle.withUnsafeBufferPointer { find($0, in: p, from: from) }
    }

    static func find(_ needle: UnsafeBufferPointer<UInt8>, in p: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard !needle.isEmpty else { return from <= p.count ? from : nil }
        var i = from
        while let at = find(needle[0], in: p, from: i) {
            if at + needle.count <= p.count {
                var k = 1
                while k < needle.count, p[at + k] == needle[k] { k += 1 }
                if k == needle.count { return at }
            } else {
                return nil
            }
            i = at + 1
        }
        return nil
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        bytes.withUnsafeBufferPointer { find(needle, in: $0, from: from) }
    }

    /// Text with entities decoded, CDATA sections unwrapped when asked.
    static func decodeOrEmpty(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, cdata: Bool = false) -> String {
        guard end > start else { return "" }
        if cdata, end - start > 12, p[start] == 60, p[start + 1] == 33, p[start + 2] == 91 {
            let body = start + 9
            let close = find(Array("]]>".utf8), in: p, from: body) ?? end
            return String(decoding: UnsafeBufferPointer(rebasing: p[body..<min(close, end)]), as: UTF8.self)
        }
        return decode(p, start, end)
    }
}
