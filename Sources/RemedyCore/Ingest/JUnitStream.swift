import Foundation
import Glibc

/// Streams a JUnit report into a `TriageAccumulator` without building the run: passing
/// tests are counted by file straight from their attributes' bytes, failing, erroring and
/// skipped tests go to their clusters with no `TestCase` made, failures with the same
/// message are read once, and a large report is read by two cores, in parts shared out as
/// they read (`ReadingShare`). What the accumulator must not see yet (skips, for the probe)
/// is handed back.
///
/// For the `triage` of large reports; `JUnitReader` builds the whole `TestRun`.
public struct JUnitStream: Sendable {
    public var dialect: any ResultsDialect
    /// Reports from this size on are read on two cores (when there are two).
    public var parallelThreshold = 4 << 20
    /// How a report read on two cores is shared out between them.
    public var sharing = Sharing.standard
    /// How much of the report is read before its pages are given back (`release`): a
    /// million-test report stays at a few dozen megabytes of it, and one under this size
    /// gives nothing back mid-read (each release costs both cores a TLB flush).
    static let releaseStep = 32 << 20
    /// Called on each thread that reads a large report (from `parallelThreshold` on, on one
    /// core or two), before it reads (the command line grows that thread's C heap in one
    /// step, rather than in hundreds as the reading goes).
    public var prepareReader: (@Sendable () -> Void)? = nil

    /// How the test cases of a report are shared out between two cores.
    public enum Sharing: Sendable {
        /// As they read: a core that started late or runs slower reads less. Each claims
        /// `step` bytes at a time and takes half of what the other has not claimed while
        /// that is at least `smallest` bytes.
        case asTheyRead(step: Int, smallest: Int)
        /// In this many parts of about equal size, each to the next free core: the same
        /// parts on any machine (for tests).
        case fixedParts(Int)

        /// As they read, each claiming 64 KB at a time, taking half of remainders from 2 MB on:
        /// a part costs its merge and the classes it meets resolved again (0.3–0.6 ms in
        /// stamps, what reading about 900 KB takes), so taking half of a remainder R pays
        /// from R = 2 MB or so on (256 KB before: fresh triage wall -8%, CPU -7%, 60 paired runs).
        public static let standard = Sharing.asTheyRead(step: 64 << 10, smallest: 2 << 20)
    }

    public init(dialect: any ResultsDialect) { self.dialect = dialect }

    /// What streaming left over: the skipped tests (for the probe) and diagnostics.
    public struct Leftover: Sendable {
        public var skipped: [TestCase] = []
        public var diagnostics: [String] = []
        /// How many parts the report was read in (1 when read on one core).
        public var parts = 1
    }

    private struct Range { var start = 0, end = 0; var isEmpty: Bool { end <= start } }

    public func stream(bytes: [UInt8], source: String, into accumulator: inout TriageAccumulator, holdSkips: Bool = true) -> Leftover {
        bytes.withUnsafeBufferPointer { stream(buffer: $0, source: source, into: &accumulator, holdSkips: holdSkips) }
    }

    /// Streams a buffer (a mapped file); `release` is told, every few megabytes, a range
    /// that will not be read again, so a mapping's pages can be given back. With
    /// `holdSkips` (the default) skipped tests are handed back rather than counted, for a
    /// probe to look behind them first.
    public func stream(buffer p: UnsafeBufferPointer<UInt8>, source: String, into accumulator: inout TriageAccumulator,
                       holdSkips: Bool = true, release: (Swift.Range<Int>) -> Void = { _ in }) -> Leftover {
        let n = p.count
        var leftover = Leftover()
        var cases = 0, cutOff = false
        if n >= parallelThreshold, UsableCores.count > 1, let share = share(p) {
            (cases, cutOff, leftover.skipped, leftover.parts) = inParts(p, share: share, into: &accumulator, holdSkips: holdSkips, release: release)
        } else {
            // A large report read by one reader (one core to read it on): prepared as on two.
            if n >= parallelThreshold { prepareReader?() }
            (cases, cutOff) = scan(p, from: 0, expected: n, claim: { $0 < n ? n : nil }, into: &accumulator, skipped: &leftover.skipped,
                                   holdSkips: holdSkips, release: release)
        }
        if cutOff || (cases > 0 && XMLScanner.find(Array("</testsuite".utf8), in: p, from: max(0, n - 4096)) == nil) {
            leftover.diagnostics.append("\(source): the report is cut off; read \(cases) test case(s) before the end")
        }
        if cases == 0 { leftover.diagnostics.append("\(source): the report holds no test cases") }
        return leftover
    }

    /// How this report's test cases are shared out, or nil when it cannot be cut.
    private func share(_ p: UnsafeBufferPointer<UInt8>) -> ReadingShare? {
        let cut = { (from: Int, before: Int) in Self.cutPoint(p, from: from, before: before) }
        switch sharing {
        case let .asTheyRead(step, smallest):
            return ReadingShare(starts: [0], count: p.count, step: step, smallest: smallest, patience: .standard, cut: cut)
        case let .fixedParts(count):
            var starts = [0]
            for k in 1..<max(count, 1) {
                let at = p.count / count * k
                if let start = cut(max(at, starts.last! + 1), p.count) { starts.append(start) }
            }
            return starts.count > 1 ? ReadingShare(starts: starts, count: p.count, step: p.count, smallest: nil, cut: cut) : nil
        }
    }

    /// A part of a report read by one core: where it starts, what it read, and into what
    /// (nil: the caller's accumulator, for the part at the start).
    private struct PartRead {
        var start: Int
        var accumulator: TriageAccumulator?
        var cases: Int, cutOff: Bool, skipped: [TestCase]
    }

    /// The report read on two cores, part by part as `share` hands them out, each part into
    /// an accumulator of its own (the first into the caller's); the others are merged after
    /// it in the report's order, as if the report had been read in one pass.
    private func inParts(_ p: UnsafeBufferPointer<UInt8>, share: ReadingShare, into accumulator: inout TriageAccumulator, holdSkips: Bool,
                         release: (Swift.Range<Int>) -> Void) -> (cases: Int, cutOff: Bool, skipped: [TestCase], parts: Int) {
        let empty = accumulator.emptyCopy()
        var reads: [[PartRead]] = [[], []]
        withUnsafeMutablePointer(to: &accumulator) { first in
            reads.withUnsafeMutableBufferPointer { reads in
                withoutActuallyEscaping(release) { release in
                    // The second core reads with its own copy of the dialect (its own caches).
                    let secondStream = JUnitStream(dialect: dialect.independentCopy())
                    let shared = UnsafeSendable((self, secondStream, p, share, empty, holdSkips, first, reads, release))
                    TwoCores.perform { reader in
                        let (firstStream, secondStream, p, share, empty, holdSkips, first, reads, release) = shared.value
                        let stream = reader == 0 ? firstStream : secondStream
                        firstStream.prepareReader?()
                        var mine: [PartRead] = []
                        while let (index, range) = share.take() {
                            var read = PartRead(start: range.lowerBound, accumulator: nil, cases: 0, cutOff: false, skipped: [])
                            let claim = { share.claim(index, from: $0) }
                            if index == 0 {
                                (read.cases, read.cutOff) = stream.scan(p, from: range.lowerBound, expected: range.count, claim: claim, into: &first.pointee,
                                                                        skipped: &read.skipped, holdSkips: holdSkips, release: release)
                            } else {
                                var part = empty
                                (read.cases, read.cutOff) = stream.scan(p, from: range.lowerBound, expected: range.count, claim: claim, into: &part,
                                                                        skipped: &read.skipped, holdSkips: holdSkips, release: release)
                                read.accumulator = part
                            }
                            share.finish(index)
                            mine.append(read)
                        }
                        reads[reader] = mine
                    }
                }
            }
        }
        // Taken out of `reads`, so that what the parts hold is freed where `parts` is (below).
        var parts = reads[0] + reads[1]
        reads = []
        parts.sort { $0.start < $1.start }
        for part in parts { if let read = part.accumulator { accumulator.merge(read) } }
        let read = (parts.reduce(0) { $0 + $1.cases }, parts.contains { $0.cutOff }, parts.flatMap(\.skipped), parts.count)
        // The parts (a test id per failure, every file's path) are freed on another core
        // while this one goes on.
        let merged = UnsafeSendable(consume parts)
        TwoCores.inBackground { _ = merged }
        return read
    }

    /// What a class name (with its file attribute) resolves to, once per distinct pair.
    /// The file's path is the accumulator's (`files[slot]`), shared by all its classes; of
    /// the test ids' prefix only what follows "path::" is kept ("TestGroup::", a string
    /// short enough to need no allocation), or the whole prefix when it does not start so.
    /// When the dialect splits class names by bytes (`fileKeyLength`), the file is found
    /// by the bytes that name it and the tail is made when a test of the class fails.
    private struct KnownClass { var slot: Int; var prefix: ClassPrefix?; var fileKeyLength: Int? = nil }

    /// A known class as the reader keeps it, in 12 bytes (a report's thousands of classes
    /// take little of the cache, and are looked up once per test): its file's slot, its
    /// `fileKeyLength` (-1: none) and where its test ids' prefix is in the reader's
    /// `ClassPrefix` list (-1: none, or not made yet).
    private struct ClassEntry { var slot: Int32; var fileKeyLength: Int32; var prefix: Int32 }

    /// A class's test-id prefix: the tail after "path::", or the whole prefix.
    private struct ClassPrefix { var tail: String?; var whole: String? }

    /// A failure read once per distinct message (tag, type and message), with the outcome
    /// they give, its cluster's slot and, for a counted skip, its reason's slot.
    private struct KnownFailure { var failure: Failure; var outcome: Outcome; var cluster: Int?; var skipReason: Int? }

    /// The attributes the triage reads, as byte ranges of the report.
    private struct Attributes {
        var classname = Range(), name = Range(), file = Range(), message = Range(), type = Range()
    }

    /// Reads the test cases from `start` on that `claim` lets it (the last may run past
    /// the end of the claim): told where the next tag starts, `claim` says how far test
    /// cases may start now, or nil to stop. The count read and whether the report broke
    /// off. A passing test costs a tag scan, one hash of its class name and a table probe:
    /// no string, no allocation. `expected`: about how many bytes it will read.
    private func scan(_ p: UnsafeBufferPointer<UInt8>, from start: Int, expected: Int, claim: (Int) -> Int?, into accumulator: inout TriageAccumulator,
                      skipped: inout [TestCase], holdSkips: Bool, release: (Swift.Range<Int>) -> Void) -> (cases: Int, cutOff: Bool) {
        guard let base = p.baseAddress else { return (0, false) }
        let n = p.count
        // Room for a class per 256 bytes of report (pytest's reports hold about one per 500),
        // reserved rather than grown: growing copies every class into fresh pages each time,
        // and pages reserved but never used cost nothing. The index, though, grows from
        // small: its lookups land anywhere in it, and one sized for the report (65,536
        // buckets for 17,500 classes) kept half as many in the cache (one core -3.5 to -8%).
        var classIndex = HashIndex(capacity: 4096), classes: [ClassEntry] = []
        classes.reserveCapacity(max(1024, expected / 256))
        var prefixes: [ClassPrefix] = []
        // File slots by the hash of the class-name bytes (and file attribute) that name the file.
        var fileKeys = HashIndex(capacity: 1024)
        var failureIndex = HashIndex(capacity: 64), failures: [KnownFailure] = []
        // Passing tests per file slot, handed to the accumulator at the end.
        var passedBySlot: [Int] = []
        // The paths of the files failing tests are in, each once: a slot's are pathBytes[pathSpans[slot]].
        var pathBytes: [UInt8] = [], pathSpans: [Swift.Range<Int>?] = []
        var cases = 0
        var cutOff = false
        var released = start

        @inline(__always) func hash(_ r: Range, _ seed: UInt64 = 0xcbf29ce484222325) -> UInt64 { Self.hash(p, r.start, r.end, seed: seed) }
        @inline(__always) func string(_ r: Range) -> String { XMLScanner.decodeOrEmpty(p, r.start, r.end) }
        @inline(__always) func optionalString(_ r: Range) -> String? { r.isEmpty ? nil : string(r) }
        @inline(__always) func matches(_ at: Int, _ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard at + count <= n else { return false }
            let a = UnsafeRawPointer(base + at), b = UnsafeRawPointer(word.utf8Start)
            // Words of 4 to 16 bytes (every tag and attribute name here): two overlapping loads.
            if count >= 8, count <= 16 {
                return a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
                    && a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            }
            if count >= 4, count < 8 {
                return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                    && a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            }
            return memcmp(a, b, count) == 0
        }
        @inline(__always) func find(_ byte: UInt8, from: Int) -> Int? { XMLScanner.findNear(byte, in: p, from: from) }
        /// Reads attributes from `i` (just after the tag name) to the tag's end; nil when
        /// the report ends first, else whether the tag closes itself.
        func readAttributes(_ i: inout Int, into found: inout Attributes) -> Bool? {
            while i < n {
                let b = p[i]
                if b == 62 { i += 1; return false }
                if b == 47, i + 1 < n, p[i + 1] == 62 { i += 2; return true }
                if XMLScanner.isSpace(b) { i += 1; continue }
                let keyStart = i
                while i < n, p[i] != 61, p[i] != 62, !XMLScanner.isSpace(p[i]) { i += 1 }
                let keyLength = i - keyStart
                while i < n, p[i] != 34, p[i] != 39 { if p[i] == 62 { return nil }; i += 1 }
                guard i < n, let close = find(p[i], from: i + 1) else { return nil }
                let value = Range(start: i + 1, end: close)
                i = close + 1
                switch keyLength {
                case 4:
                    if matches(keyStart, "name") { found.name = value }
                    else if matches(keyStart, "file") { found.file = value }
                    else if matches(keyStart, "type") { found.type = value }
                case 7 where matches(keyStart, "message"): found.message = value
                case 9 where matches(keyStart, "classname"): found.classname = value
                default: break
                }
            }
            return nil
        }

        /// A class name seen for the first time: its file's slot, and what its tests' ids start with.
        func resolveClass(_ attributes: Attributes) -> KnownClass {
            let fileAttribute = optionalString(attributes.file)
            let classname = attributes.classname
            let bytes = UnsafeBufferPointer(rebasing: p[classname.start..<max(classname.start, classname.end)])
            // The report's bytes as they are, unless an entity must be decoded first.
            let plain = memchr(base + classname.start, 38, bytes.count) == nil
            if plain, let length = dialect.fileKeyLength(classname: bytes, file: fileAttribute) {
                // One path per file: its first class asks the dialect, the others find it by bytes.
                let fileKey = hash(attributes.file, hash(Range(start: classname.start, end: classname.start + length)))
                if let slot = fileKeys.find(fileKey) { return KnownClass(slot: slot, prefix: nil, fileKeyLength: length) }
                if let path = dialect.filePath(classname: bytes, fileKeyLength: length, file: fileAttribute) {
                    let slot = accumulator.fileSlot(path)
                    fileKeys.insert(fileKey, slot)
                    return KnownClass(slot: slot, prefix: nil, fileKeyLength: length)
                }
            }
            let resolved = plain ? dialect.testPrefix(classname: bytes, file: fileAttribute) : dialect.testPrefix(classname: string(classname), file: fileAttribute)
            guard var (prefix, path) = resolved else {
                let path = dialect.testIdentity(classname: string(classname), name: "x", file: fileAttribute).file
                return KnownClass(slot: accumulator.fileSlot(path), prefix: nil)
            }
            let slot = accumulator.fileSlot(path)
            // "path::Tail::" → "Tail::", compared as bytes.
            let tail = prefix.withUTF8 { head in
                path.withUTF8 { file -> String? in
                    guard !file.isEmpty, head.count >= file.count + 2, memcmp(head.baseAddress!, file.baseAddress!, file.count) == 0,
                          head[file.count] == 58, head[file.count + 1] == 58 else { return nil }
                    return String(decoding: UnsafeBufferPointer(rebasing: head[(file.count + 2)...]), as: UTF8.self)
                }
            }
            return KnownClass(slot: slot, prefix: ClassPrefix(tail: tail, whole: tail == nil ? prefix : nil))
        }

        // The next test case's class name (where it starts, its hash), hashed while this test
        // case is read and its bucket in the class index asked for: with thousands of
        // classes spread through a report, each lookup would otherwise wait on memory (the
        // report streaming through the cache pushes the index out between two tests of one
        // class).
        var aheadStart = -1, aheadClose = -1, aheadKey: UInt64 = 0
        var i = start
        // Test cases starting before `claimed` are this reader's.
        var claimed = start
        while let lt = find(60, from: i) {
            if lt >= claimed {
                guard let more = claim(lt) else { break }
                claimed = more
            }
            i = lt + 1
            guard matches(i, "testcase"), i + 8 < n, XMLScanner.isSpace(p[i + 8]) || p[i + 8] == 47 || p[i + 8] == 62 else { continue }
            i += 8
            var attributes = Attributes()
            // pytest writes classname and name first: read them without looking at the keys.
            if matches(i, " classname=\""), let close = i + 12 == aheadStart ? aheadClose : find(34, from: i + 12) {
                attributes.classname = Range(start: i + 12, end: close)
                i = close + 1
                if matches(i, " name=\""), let close = find(34, from: i + 7) {
                    attributes.name = Range(start: i + 7, end: close)
                    i = close + 1
                }
            }
            guard let selfClosing = readAttributes(&i, into: &attributes) else { cutOff = true; break }
            cases += 1
            if lt - released > Self.releaseStep {
                release(released..<lt)
                released = lt
            }
            let known: Int
            // (A class name that starts where the one hashed ahead did ends at the same quote.)
            let key = attributes.classname.start == aheadStart && attributes.file.isEmpty ? aheadKey : hash(attributes.file, hash(attributes.classname))
            // A passing test ends right after its tag: the next one may start there.
            let next = selfClosing ? i : i + 11
            if next + 22 < n, p[next] == 60, matches(next + 1, "testcase classname=\""), let close = find(34, from: next + 21) {
                aheadStart = next + 21
                aheadClose = close
                aheadKey = hash(Range(start: next + 21, end: close))
                classIndex.prefetch(aheadKey)
            }
            if let at = classIndex.find(key) {
                known = at
            } else {
                let made = resolveClass(attributes)
                known = classes.count
                var prefix: Int32 = -1
                if let made = made.prefix {
                    prefix = Int32(truncatingIfNeeded: prefixes.count)
                    prefixes.append(made)
                }
                classes.append(ClassEntry(slot: Int32(truncatingIfNeeded: made.slot), fileKeyLength: made.fileKeyLength.flatMap { Int32(exactly: $0) } ?? -1,
                                          prefix: prefix))
                classIndex.insert(key, known)
                if made.slot >= passedBySlot.count { passedBySlot += repeatElement(0, count: made.slot + 1 - passedBySlot.count) }
            }
            // A passing test: closed at once, or by "</testcase>" right after its tag.
            if selfClosing || matches(i, "</testcase>") {
                if !selfClosing { i += 11 }
                passedBySlot[Int(classes[known].slot)] += 1
                continue
            }
            // Not a passing test: its class's id prefix, needed once its children are read,
            // is asked for now (another load that would wait on memory).
            if classes[known].prefix >= 0 { prefixes.prefetch(Int(classes[known].prefix)) }
            // Children up to </testcase>: the first failure, error or skip decides.
            var outcome = Outcome.passed
            // The test's failure, in `failures` (a copy would retain its strings each time).
            var failureAt: Int? = nil
            var cluster: Int? = nil
            var skipReason: Int? = nil
            while i < n {
                guard let next = find(60, from: i) else { i = n; break }
                i = next + 1
                if matches(i, "/testcase") {
                    guard let close = find(62, from: i) else { i = n; break }
                    i = close + 1
                    break
                }
                let tag: StaticString, closing: StaticString
                if matches(i, "failure") { tag = "failure"; closing = "</failure>"; i += 7 }
                else if matches(i, "error") { tag = "error"; closing = "</error>"; i += 5 }
                else if matches(i, "skipped") { tag = "skipped"; closing = "</skipped>"; i += 7 }
                else { continue }
                var child = Attributes()
                guard let childClosed = readAttributes(&i, into: &child) else { cutOff = true; break }
                var text = Range(start: i, end: i)
                if !childClosed {
                    let end = closing.withUTF8Buffer { XMLScanner.find($0, in: p, from: i) } ?? n
                    text = Range(start: i, end: end)
                    i = min(n, end + closing.utf8CodeUnitCount)
                }
                guard failureAt == nil else { continue } // the first child decides
                // Read each distinct message once; "collection failure" and empty messages carry the cause in the text.
                let generic = child.message.isEmpty || matches(child.message.start, "collection failure")
                let key = hash(child.type, hash(child.message, UInt64(tag.utf8CodeUnitCount)))
                if !generic, let at = failureIndex.find(key) {
                    failureAt = at
                    outcome = failures[at].outcome
                    cluster = failures[at].cluster
                    skipReason = failures[at].skipReason
                } else {
                    let tagName = tag.description
                    outcome = Outcome.junit(tag: tagName, type: optionalString(child.type))
                    let textString = XMLScanner.decodeOrEmpty(p, text.start, text.end, cdata: true)
                    let made = tagName == "skipped"
                        ? dialect.skip(message: optionalString(child.message), type: optionalString(child.type), text: textString)
                        : dialect.failure(message: optionalString(child.message), type: optionalString(child.type), text: textString, outcome: outcome)
                    if outcome.isFailure || !holdSkips { cluster = accumulator.clusterSlot(for: made) }
                    if outcome == .skipped && !holdSkips { skipReason = accumulator.skipReasonSlot(made.message) }
                    if !generic { failureIndex.insert(key, failures.count) }
                    failureAt = failures.count
                    failures.append(KnownFailure(failure: made, outcome: outcome, cluster: cluster, skipReason: skipReason))
                }
            }
            if cutOff { break }
            let entry = classes[known]
            let slot = Int(entry.slot)
            if outcome == .passed { passedBySlot[slot] += 1; continue }
            var prefix = entry.prefix
            if prefix < 0, entry.fileKeyLength >= 0 {
                let classname = attributes.classname
                let tail = dialect.classPrefix(classname: UnsafeBufferPointer(rebasing: p[classname.start..<classname.end]), fileKeyLength: Int(entry.fileKeyLength))
                prefix = Int32(truncatingIfNeeded: prefixes.count)
                classes[known].prefix = prefix
                prefixes.append(ClassPrefix(tail: tail, whole: nil))
            }
            let names = prefix >= 0 ? prefixes[Int(prefix)] : ClassPrefix()
            let id: String
            if let tail = names.tail {
                // The file's path from this part's copy of its bytes: a failing test costs no
                // reference counting on the path, which another core may hold too.
                if slot >= pathSpans.count { pathSpans += repeatElement(nil, count: slot + 1 - pathSpans.count) }
                let span: Swift.Range<Int>
                if let known = pathSpans[slot] {
                    span = known
                } else {
                    let start = pathBytes.count
                    pathBytes.append(contentsOf: accumulator.files[slot].path.utf8)
                    span = start..<pathBytes.count
                    pathSpans[slot] = span
                }
                if !(outcome == .skipped && holdSkips) {
                    // Its id copied from the report into its cause's ids: no String is made.
                    guard let at = failureAt else { continue }
                    let name = attributes.name
                    pathBytes.withUnsafeBufferPointer { path in
                        let file = UnsafeBufferPointer(rebasing: path[span])
                        accumulator.addPlaced(writingID: { Self.writeID(file: file, tail: tail, name: name, in: p, to: &$0) }, outcome: outcome,
                                              phase: failures[at].failure.phase, hint: failures[at].failure.hint, fileSlot: slot,
                                              clusterSlot: outcome.isFailure || outcome == .skipped ? cluster : nil,
                                              skipReasonSlot: outcome == .skipped ? skipReason : nil)
                    }
                    continue
                }
                id = pathBytes.withUnsafeBufferPointer { Self.joinID(file: UnsafeBufferPointer(rebasing: $0[span]), tail: tail, name: attributes.name, in: p) }
            } else if let whole = names.whole {
                id = whole + string(attributes.name)
            } else {
                id = dialect.testIdentity(classname: string(attributes.classname), name: string(attributes.name), file: optionalString(attributes.file)).id
            }
            // Durations are not part of a triage: not read here.
            if outcome == .skipped && holdSkips {
                skipped.append(TestCase(id: id, file: accumulator.files[slot].path, outcome: outcome, failure: failureAt.map { failures[$0].failure }))
            } else if let at = failureAt {
                accumulator.addPlaced(id: id, outcome: outcome, phase: failures[at].failure.phase, hint: failures[at].failure.hint,
                                      fileSlot: slot, clusterSlot: outcome.isFailure || outcome == .skipped ? cluster : nil,
                                      skipReasonSlot: outcome == .skipped ? skipReason : nil)
            }
        }
        for (slot, count) in passedBySlot.enumerated() where count > 0 { accumulator.addOutcome(.passed, fileSlot: slot, count: count) }
        return (cases, cutOff)
    }
}

extension JUnitStream {
    /// Where a report can be cut: the start of a `<testcase` at or after `from` and before
    /// `before` that directly follows the end of another test case (so it is markup, not
    /// text that happens to hold the word). Nil when no such place is found.
    static func cutPoint(_ p: UnsafeBufferPointer<UInt8>, from: Int, before: Int) -> Int? {
        let opening = Array("<testcase".utf8), closing = Array("</testcase>".utf8)
        // Searched no further than `before`.
        let p = UnsafeBufferPointer(rebasing: p[..<min(before, p.count)])
        var from = from
        var tries = 0
        while tries < 1000, let at = XMLScanner.find(opening, in: p, from: from) {
            var before = at
            while before > 0, XMLScanner.isSpace(p[before - 1]) { before -= 1 }
            if before >= closing.count, p[(before - closing.count)..<before].elementsEqual(closing) { return at }
            if before >= 2, p[before - 2] == 47, p[before - 1] == 62 { return at }
            from = at + 1
            tries += 1
        }
        return nil
    }

    /// The same id as a String, for a skip held for the probe: written as `writeID` writes
    /// a failing test's.
    private static func joinID(file: UnsafeBufferPointer<UInt8>, tail: String, name: Range, in p: UnsafeBufferPointer<UInt8>) -> String {
        var ids = TestIDs()
        writeID(file: file, tail: tail, name: name, in: p, to: &ids)
        return ids[0]
    }

    /// "file::tail" and the test's name, written into a cause's ids: the name's bytes
    /// copied from the report unless an entity must be decoded.
    private static func writeID(file: UnsafeBufferPointer<UInt8>, tail: String, name: Range, in p: UnsafeBufferPointer<UInt8>, to ids: inout TestIDs) {
        ids.write(file)
        ids.write(58)
        ids.write(58)
        var tail = tail
        tail.withUTF8 { ids.write($0) }
        if let base = p.baseAddress, !name.isEmpty, memchr(base + name.start, 38, name.end - name.start) == nil {
            ids.write(UnsafeBufferPointer(rebasing: p[name.start..<name.end]))
        } else {
            var decoded = XMLScanner.decodeOrEmpty(p, name.start, name.end)
            decoded.withUTF8 { ids.write($0) }
        }
        ids.endID()
    }

    /// The same hash over a string's UTF-8.
    static func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { hash($0, 0, $0.count, seed: 0xcbf29ce484222325) }
    }

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

    /// The first `byte` at or after `from`, for one expected within a few dozen bytes (an
    /// attribute's closing quote, the next tag): the first 32 bytes are searched inline, eight
    /// at a time, before handing the rest to `memchr` (whose call costs more than a short search).
    @inline(__always)
    static func findNear(_ byte: UInt8, in p: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let base = p.baseAddress else { return nil }
        let n = p.count
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let pattern = UInt64(byte) &* ones
        var i = from
        var words = 0
        while words < 4, i >= 0, i + 8 <= n {
            // Bytes equal to `byte` become zero; the lowest high bit set marks the first zero
            // byte (a borrow can only set bits above it). Little-endian loads: the first byte is lowest.
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self).littleEndian ^ pattern
            let zeros = (word &- ones) & ~word & highs
            if zeros != 0 { return i + zeros.trailingZeroBitCount >> 3 }
            i += 8
            words += 1
        }
        return find(byte, in: p, from: i)
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

    /// The first occurrence of `needle` in `bytes` at or after `from` (memchr, then compare).
    public static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
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

/// A value handed to the other core by a caller that guarantees the two never touch the
/// same memory (each part of a report is written by one reader, into its own accumulator).
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
