import Foundation
import RemedyCore

/// The guarded-import probe: in files whose tests were skipped, finds imports guarded by
/// `try: … except ImportError` (or `ModuleNotFoundError`, `Exception`, a bare `except`),
/// runs each with the project's own interpreter in a child process with a time limit,
/// and gives the skipped tests of that file the first failure found — the cause the skip
/// hides.
public struct GuardedImportProbe: SkipProbe {
    public var python: String
    public var timeout: Duration

    public init(python: String, timeout: Duration = .seconds(60)) {
        self.python = python
        self.timeout = timeout
    }

    /// A guarded import statement of a file.
    public struct Guarded: Sendable, Equatable {
        public var statement: String
        public var line: Int
    }

    /// The imports inside top-level `try:` blocks whose handlers catch import errors.
    public static func guardedImports(in source: PythonSource) -> [Guarded] {
        var result: [Guarded] = []
        let imports = source.imports
        // Top-level logical lines: (first token text, start, end, depth).
        var depth = 0
        var lines: [(word: String, text: String, start: Int, depth: Int)] = []
        var lineStart: Int? = nil
        var firstWord = ""
        for token in source.tokens {
            switch token.kind {
            case .indent: depth += 1; continue
            case .dedent: depth -= 1; continue
            case .newline:
                if let start = lineStart { lines.append((firstWord, source.text(start..<token.start), start, depth)) }
                lineStart = nil
                continue
            default:
                guard token.isSignificant else { continue }
                if lineStart == nil { lineStart = token.start; firstWord = source.text(token) }
            }
        }
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard line.depth == 0, line.word == "try" else { index += 1; continue }
            // The try block runs to the next top-level line; then its handlers.
            var end = index + 1
            while end < lines.count, lines[end].depth > 0 { end += 1 }
            let blockEnd = end < lines.count ? lines[end].start : source.bytes.count
            var catches = false
            var handler = end
            while handler < lines.count, lines[handler].depth == 0, lines[handler].word == "except" || lines[handler].word == "else" || lines[handler].word == "finally" {
                let text = lines[handler].text
                if lines[handler].word == "except",
                   text == "except:" || text.contains("ImportError") || text.contains("ModuleNotFoundError") || text.contains("Exception") {
                    catches = true
                }
                handler += 1
                while handler < lines.count, lines[handler].depth > 0 { handler += 1 }
            }
            if catches {
                for statement in imports where statement.range.lowerBound > line.start && statement.range.lowerBound < blockEnd {
                    result.append(Guarded(statement: source.text(statement.range), line: statement.line))
                }
            }
            index = max(handler, index + 1)
        }
        return result
    }

    public func reveal(_ run: TestRun, root: String) async -> TestRun {
        var run = run
        let skippedFiles = Set(run.cases.filter { $0.outcome == .skipped }.map(\.file))
        var guarded: [String: [Guarded]] = [:]
        for file in skippedFiles.sorted() where file.hasSuffix(".py") {
            guard let data = FileManager.default.contents(atPath: root + "/" + file) else { continue }
            let found = Self.guardedImports(in: PythonSource(bytes: [UInt8](data)))
            if !found.isEmpty { guarded[file] = found }
        }
        guard !guarded.isEmpty else { return run }
        let failures: [String: Failure]
        do {
            failures = try await probe(guarded, root: root)
        } catch {
            run.diagnostics.append("the guarded-import probe failed (\(error)); skips are reported as they are")
            return run
        }
        for index in run.cases.indices where run.cases[index].outcome == .skipped {
            guard let failure = failures[run.cases[index].file] else { continue }
            run.cases[index].skipReason = run.cases[index].failure?.message ?? ""
            run.cases[index].failure = failure
        }
        return run
    }

    /// Runs every guarded statement in a fresh interpreter; the first failure per file.
    func probe(_ guarded: [String: [Guarded]], root: String) async throws -> [String: Failure] {
        let script = """
            import json, sys
            out = {}
            for file, statements in json.loads(sys.argv[1]).items():
                for line, statement in statements:
                    try:
                        exec(statement, {})
                    except BaseException as e:
                        out[file] = [line, type(e).__name__, str(e)]
                        break
            print("REMEDY-PROBE " + json.dumps(out))
            """
        let request: [String: [[Any]]] = guarded.mapValues { $0.map { [$0.line, $0.statement] } }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
        var roots = [root]
        if FileManager.default.fileExists(atPath: root + "/src") { roots.append(root + "/src") }
        let child = ChildProcess(executable: python, arguments: ["-c", script, json],
                                 environment: ["PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": roots.joined(separator: ":")],
                                 directory: root, timeout: timeout, outputLimit: 4 << 20)
        let result = try await child.run()
        if result.timedOut { throw RemedyError.failure("it did not finish in \(timeout)") }
        guard let line = result.output.split(separator: "\n").last(where: { $0.hasPrefix("REMEDY-PROBE ") }),
              let object = try JSONSerialization.jsonObject(with: Data(line.dropFirst("REMEDY-PROBE ".count).utf8)) as? [String: [Any]] else {
            throw RemedyError.failure("exit \(result.status): \(result.output.split(separator: "\n").suffix(3).joined(separator: " "))")
        }
        var failures: [String: Failure] = [:]
        for (file, values) in object {
            guard values.count == 3, let line = values[0] as? Int, let type = values[1] as? String, let message = values[2] as? String else { continue }
            let (bare, hint) = PythonFailureText.splitHint(message)
            failures[file] = Failure(exceptionType: type, message: bare, hint: hint, frames: [Frame(path: file, line: line)], phase: .collection)
        }
        return failures
    }
}
