import Foundation
import RemedyCore

/// pytest's reports read for Remedy: node ids rebuilt from JUnit's `classname` and
/// `name` (with `file` when xunit1 gives it), failures from its tracebacks, and its
/// terminal output.
public struct PytestDialect: ResultsDialect {
    /// The repository root, to tell a module path from a class path in `classname`.
    public var root: String?
    /// Where each class name's module ends, looked up once per class name (a report repeats
    /// the same few class names for thousands of tests).
    private var moduleCounts = ModuleCountCache()

    public init(root: String? = nil) { self.root = root }

    public func independentCopy() -> any ResultsDialect {
        var copy = self
        copy.moduleCounts = ModuleCountCache()
        return copy
    }

    public func testIdentity(classname: String, name: String, file: String?) -> (id: String, file: String) {
        if !classname.isEmpty {
            let key = file.map { classname + "\u{0}" + $0 } ?? classname
            if let (path, prefix) = moduleCounts.lookup(key) { return (prefix + name, path) }
            if let (prefix, path) = testPrefix(classname: classname, file: file) {
                moduleCounts.store(key, (path, prefix))
                return (prefix + name, path)
            }
        }
        // A collection error: name is the module ("tests.test_x"), file when xunit1.
        let path = file ?? (name.replacingOccurrences(of: ".", with: "/") + ".py")
        return (path, path)
    }

    /// "path.py::Class::" for a class name: the module part of `classname` is the file
    /// (`file` when xunit1 gives it), the rest the classes. Worked out on UTF-8 bytes once
    /// per class name: the streaming reader keeps what it returns, `testIdentity` caches it.
    public func testPrefix(classname: String, file: String?) -> (prefix: String, file: String)? {
        var classname = classname
        return classname.withUTF8 { testPrefix(classname: $0, file: file) }
    }

    public func testPrefix(classname bytes: UnsafeBufferPointer<UInt8>, file: String?) -> (prefix: String, file: String)? {
        guard let end = fileKeyLength(classname: bytes, file: file) else { return nil }
        let path = file ?? Self.modulePath(bytes, end: end)
        return (path + "::" + classPrefix(classname: bytes, fileKeyLength: end), path)
    }

    public func filePath(classname bytes: UnsafeBufferPointer<UInt8>, fileKeyLength end: Int, file: String?) -> String? {
        file ?? Self.modulePath(bytes, end: end)
    }

    /// Where the module part of the class name ends: the file (`file` when xunit1 gives
    /// it) is that module's, the rest are classes.
    public func fileKeyLength(classname bytes: UnsafeBufferPointer<UInt8>, file: String?) -> Int? {
        guard !bytes.isEmpty else { return nil }
        // A report read away from its repository (or the repository has no such folder):
        // pytest's Test* class names decide, read in one pass.
        if file == nil {
            let firstDot = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.count
            if root.map({ moduleCounts.rootHolds(UnsafeBufferPointer(rebasing: bytes[..<firstDot]), root: $0) }) != true {
                return Self.moduleEndByClassNames(bytes)
            }
        }
        // Where each dot-separated part ends (on the stack: this runs once per class name).
        var dots = 1
        for byte in bytes where byte == UInt8(ascii: ".") { dots += 1 }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: dots) { ends -> Int in
            var filled = 0
            for (at, byte) in bytes.enumerated() where byte == UInt8(ascii: ".") { ends[filled] = at; filled += 1 }
            ends[filled] = bytes.count
            guard let file else {
                // The repository holds the first part: the longest prefix that is a file of
                // it, else pytest's Test* class names decide.
                if let root {
                    for end in ends.reversed()
                    where moduleCounts.exists(root + "/" + Self.modulePath(bytes, end: end)) {
                        return end
                    }
                }
                return Self.moduleEndByClassNames(bytes)
            }
            // The class name starts with the file's module ("a/b.py" → "a.b.").
            let module = file.utf8.dropLast(file.hasSuffix(".py") ? 3 : 0)
            let moduleBytes = module.count
            if moduleBytes < bytes.count, bytes[moduleBytes] == UInt8(ascii: "."),
               bytes.starts(with: module.lazy.map { $0 == UInt8(ascii: "/") ? UInt8(ascii: ".") : $0 }),
               ends.contains(moduleBytes) {
                return moduleBytes
            }
            return bytes.count
        }
    }

    /// Where the module ends when the first part after it that starts with a capital letter
    /// is the first class ("a.b.TestC.TestD" → 3): the dot before that part, else the end
    /// (also when the first part itself is capitalised).
    static func moduleEndByClassNames(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        func startsClass(_ start: Int) -> Bool {
            guard start < bytes.count else { return false }
            let byte = bytes[start]
            if byte < 0x80 { return byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
            let end = UnsafeBufferPointer(rebasing: bytes[start...]).firstIndex(of: UInt8(ascii: ".")).map { start + $0 } ?? bytes.count
            return startsUppercase(UnsafeBufferPointer(rebasing: bytes[start..<end]))
        }
        if startsClass(0) { return bytes.count }
        // From dot to dot (memchr: this runs once per class name, thousands in a large report).
        guard let base = bytes.baseAddress else { return bytes.count }
        var at = 0
        while at < bytes.count, let found = memchr(base + at, Int32(UInt8(ascii: ".")), bytes.count - at) {
            let dot = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if startsClass(dot + 1) { return dot }
            at = dot + 1
        }
        return bytes.count
    }

    /// "Class::Inner::" for the classes after the module ("" for a module-level test), in
    /// one allocation (none when short).
    public func classPrefix(classname bytes: UnsafeBufferPointer<UInt8>, fileKeyLength end: Int) -> String {
        let classes = UnsafeBufferPointer(rebasing: bytes[min(bytes.count, end + 1)...])
        guard !classes.isEmpty else { return "" }
        var dots = 0
        for byte in classes where byte == UInt8(ascii: ".") { dots += 1 }
        return String(unsafeUninitializedCapacity: classes.count + dots + 2) { out in
            var at = 0
            for byte in classes {
                if byte == UInt8(ascii: ".") { out[at] = UInt8(ascii: ":"); out[at + 1] = UInt8(ascii: ":"); at += 2 }
                else { out[at] = byte; at += 1 }
            }
            out[at] = UInt8(ascii: ":"); out[at + 1] = UInt8(ascii: ":")
            return at + 2
        }
    }

    /// "a/b/c.py" for the class name's bytes up to `end` ("a.b.c"), in one allocation.
    private static func modulePath(_ bytes: UnsafeBufferPointer<UInt8>, end: Int) -> String {
        String(unsafeUninitializedCapacity: end + 3) { out in
            for at in 0..<end { out[at] = bytes[at] == UInt8(ascii: ".") ? UInt8(ascii: "/") : bytes[at] }
            out[end] = UInt8(ascii: "."); out[end + 1] = UInt8(ascii: "p"); out[end + 2] = UInt8(ascii: "y")
            return end + 3
        }
    }

    private static func startsUppercase(_ part: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let byte = part.first else { return false }
        if byte < 0x80 { return byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
        return String(decoding: part, as: UTF8.self).first?.isUppercase == true
    }

    public func failure(message: String?, type: String?, text: String, outcome: Outcome) -> Failure {
        var phase: Phase = .call
        var fallback = message
        if outcome == .error, let message {
            if message == "collection failure" { phase = .collection; fallback = nil }
            for (prefix, p) in [("failed on setup with ", Phase.setup), ("failed on teardown with ", .teardown)] where message.hasPrefix(prefix) {
                phase = p
                fallback = String(message.dropFirst(prefix.count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        if let fallback, let split = PythonFailureText.splitException(fallback) {
            // JUnit's message attribute holds the whole "Type: message"; prefer it.
            let (bare, hint) = PythonFailureText.splitHint(split.message)
            return Failure(exceptionType: split.type, message: bare, hint: hint, frames: PythonFailureText.frames(Substring(text)), phase: phase)
        }
        return PythonFailureText.failure(text: Substring(text), fallback: fallback, phase: phase)
    }

    public func skip(message: String?, type: String?, text: String) -> Failure {
        var reason = message ?? ""
        if reason.hasPrefix("Skipped: ") { reason = String(reason.dropFirst(9)) }
        var frames: [Frame] = []
        // xunit text: "path.py:23: reason"
        if let py = PythonFailureText.firstRange(of: ".py:", in: Substring(text)), let colon = text[py.upperBound...].firstIndex(of: ":"), let line = Int(text[py.upperBound..<colon]) {
            frames.append(Frame(path: String(text[..<py.lowerBound]) + ".py", line: line))
        }
        return Failure(exceptionType: Failure.skippedType, message: reason, frames: frames, phase: .skip)
    }

    public func recognizesTerminalOutput(_ text: String) -> Bool {
        PytestOutputParser.recognizes(text)
    }

    /// pytest's usage and configuration errors ("ERROR: usage: …", "UsageError: while
    /// parsing the following warning configuration", "INTERNALERROR>"), which come before
    /// any test runs.
    public func runnerStopped(_ text: String) -> String? {
        let lines = PytestOutputParser.stripANSI(text).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let line = lines.first(where: { $0.hasPrefix("UsageError:") || $0.hasPrefix("ERROR: ") || $0.hasPrefix("INTERNALERROR>") }) else { return nil }
        // The error's last line names the cause ("ModuleNotFoundError: No module named 'requests'").
        let cause = lines.last { PythonFailureText.splitException($0) != nil && !$0.hasPrefix("File ") }
        return "pytest stopped before running any test: \(line)" + (cause.map { " (\($0))" } ?? "")
            + "; fix the test command or the project's pytest configuration, then run the tests again"
    }

    public func parseTerminalOutput(_ text: String, source: String) throws -> TestRun {
        PytestOutputParser(source: source).parse(text)
    }
}

/// A lock-guarded map from JUnit class name to (file, class path), shared by copies of a dialect.
final class ModuleCountCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (String, String)] = [:]

    private var existing: [String: Bool] = [:]

    func lookup(_ classname: String) -> (String, String)? { lock.withLock { entries[classname] } }

    /// The last part asked about and the answer: a report's class names mostly start alike.
    private var lastPart: [UInt8] = []
    private var lastHolds = false

    /// Whether the repository holds a folder or module named `part` (a class name's first
    /// part); the file system is asked through `exists`, once per path.
    func rootHolds(_ bytes: UnsafeBufferPointer<UInt8>, root: String) -> Bool {
        let last: Bool? = lock.withLock {
            guard lastPart.count == bytes.count,
                  bytes.isEmpty || lastPart.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) else { return nil }
            return lastHolds
        }
        if let last { return last }
        let part = String(decoding: bytes, as: UTF8.self)
        let found = exists(root + "/" + part) || exists(root + "/" + part + ".py")
        lock.withLock { lastPart = Array(bytes); lastHolds = found }
        return found
    }

    /// Whether a file exists, asked of the file system once per path.
    func exists(_ path: String) -> Bool {
        if let known = lock.withLock({ existing[path] }) { return known }
        let found = FileManager.default.fileExists(atPath: path)
        lock.withLock { existing[path] = found }
        return found
    }
    func store(_ classname: String, _ value: (String, String)) { lock.withLock { entries[classname] = value } }
}
