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
    private let moduleCounts = ModuleCountCache()

    public init(root: String? = nil) { self.root = root }

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
        guard !classname.isEmpty else { return nil }
        let parts = classname.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map { Substring($0) }
        var moduleCount = parts.count
        let path: String
        if let file {
            let module = String(file.dropLast(file.hasSuffix(".py") ? 3 : 0)).replacingOccurrences(of: "/", with: ".")
            if classname.hasPrefix(module + ".") { moduleCount = module.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).count }
            path = file
        } else {
            // The longest prefix that is a file of the repository; when the repository does
            // not hold these tests (a report read elsewhere), pytest's Test* class names decide.
            var found = false
            if let root, moduleCounts.exists(root + "/" + parts[0]) || moduleCounts.exists(root + "/" + parts[0] + ".py") {
                for count in stride(from: parts.count, through: 1, by: -1) {
                    let candidate = parts[0..<count].joined(separator: "/") + ".py"
                    if moduleCounts.exists(root + "/" + candidate) { moduleCount = count; found = true; break }
                }
            }
            if !found, let firstClass = parts.firstIndex(where: Self.startsUppercase), firstClass > 0 {
                moduleCount = firstClass
            }
            path = parts[0..<moduleCount].joined(separator: "/") + ".py"
        }
        var prefix = path + "::"
        for part in parts[moduleCount...] { prefix += part; prefix += "::" }
        return (prefix, path)
    }

    private static func startsUppercase(_ part: Substring) -> Bool {
        guard let byte = part.utf8.first else { return false }
        if byte < 0x80 { return byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
        return part.first?.isUppercase == true
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
        if let py = text.range(of: ".py:"), let colon = text[py.upperBound...].firstIndex(of: ":"), let line = Int(text[py.upperBound..<colon]) {
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

    /// Whether a file exists, asked of the file system once per path.
    func exists(_ path: String) -> Bool {
        if let known = lock.withLock({ existing[path] }) { return known }
        let found = FileManager.default.fileExists(atPath: path)
        lock.withLock { existing[path] = found }
        return found
    }
    func store(_ classname: String, _ value: (String, String)) { lock.withLock { entries[classname] = value } }
}
