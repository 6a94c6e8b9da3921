import Foundation
import RemedyCore

/// Runs pytest through the test command template (ARCHITECTURE.md): `{python}`,
/// `{junit}` and `{tests}` (separate arguments, never a shell), with
/// `PYTHONDONTWRITEBYTECODE=1` and the checkout's source roots first on `PYTHONPATH`, so the
/// tree under test — not an editable install of the user's — is what runs.
public struct PytestRunner: TestRunner {
    public static let defaultTemplate = "{python} -m pytest -q -rA -p no:cacheprovider --continue-on-collection-errors -o junit_family=xunit1 --junitxml={junit} {tests}"

    public var python: String
    public var template: String
    public var timeout: Duration

    public init(python: String, template: String = PytestRunner.defaultTemplate, timeout: Duration = .seconds(900)) {
        self.python = python
        self.template = template
        self.timeout = timeout
    }

    /// Splits a template into words (quotes group, no other shell syntax).
    public static func words(_ template: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character? = nil
        var inWord = false
        for c in template {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c == " " || c == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(c)
                inWord = true
            }
        }
        if quote != nil { throw RemedyError.badInput("--test-command: unclosed quote in '\(template)'") }
        if inWord { words.append(current) }
        return words
    }

    public func command(tests: [String], junit: String) throws -> [String] {
        var command: [String] = []
        for word in try Self.words(template) {
            if word == "{tests}" { command += tests; continue }
            command.append(word.replacingOccurrences(of: "{python}", with: python).replacingOccurrences(of: "{junit}", with: junit))
        }
        guard !command.isEmpty else { throw RemedyError.badInput("--test-command is empty") }
        return command
    }

    public func run(tests: [String], in directory: String) async throws -> TestRunReport {
        let junit = FileManager.default.temporaryDirectory.appendingPathComponent("remedy-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: junit) }
        let command = try command(tests: tests, junit: junit)
        var roots = [directory]
        if FileManager.default.fileExists(atPath: directory + "/src") { roots.append(directory + "/src") }
        let existing = EnvironmentVariable.value("PYTHONPATH").map { [$0] } ?? []
        let child = ChildProcess(executable: command[0], arguments: Array(command.dropFirst()),
                                 environment: ["PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": (roots + existing).joined(separator: ":"), "NO_COLOR": "1"],
                                 directory: directory, timeout: timeout)
        let result = try await child.run()
        let dialect = PytestDialect(root: directory)
        var run: TestRun
        if let data = FileManager.default.contents(atPath: junit), !data.isEmpty {
            run = try JUnitReader(dialect: dialect).read(bytes: Array(data), source: "junit")
            if let text = try? dialect.parseTerminalOutput(result.output, source: "output") {
                // Warnings name absolute paths in the checkout: keep them relative to it.
                run.warnings = text.warnings.map { warning in
                    var warning = warning
                    if let path = warning.path, path.hasPrefix(directory + "/") { warning.path = String(path.dropFirst(directory.count + 1)) }
                    return warning
                }
            }
        } else {
            run = (try? dialect.parseTerminalOutput(result.output, source: "output")) ?? TestRun()
        }
        if run.cases.isEmpty, result.status != 0, result.status != 5, !result.timedOut, let crash = Self.conftestCrash(result.output, in: directory) {
            // pytest stopped before collecting, on a conftest of the checkout (a plugin hook
            // it no longer accepts, an import that fails): that is the run's result.
            run.cases = [crash]
        }
        if run.cases.isEmpty, result.status != 0, result.status != 5, !result.timedOut {
            let tail = result.output.split(separator: "\n").suffix(8).joined(separator: "\n")
            throw RemedyError.badInput("the test command failed (exit \(result.status)) without reporting tests: \(command.joined(separator: " "))\n\(tail)")
        }
        return TestRunReport(run: run, command: command, status: result.status, output: result.output, seconds: result.seconds, timedOut: result.timedOut)
    }

    /// A crash of pytest itself on a conftest of the checkout, as a collection error of
    /// that conftest: the traceback's last exception, and the conftest the output names.
    static func conftestCrash(_ output: String, in directory: String) -> TestCase? {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        // The conftest the output names; else, when the traceback is pytest loading
        // conftests, the checkout's conftest (the first, when there are several).
        let named = lines.lazy.compactMap { line -> String? in
            guard let start = line.range(of: directory + "/"), let end = line.range(of: "conftest.py", range: start.upperBound..<line.endIndex) else { return nil }
            return String(line[start.upperBound..<end.upperBound])
        }.first
        let loading = lines.contains { $0.contains("_loadconftestmodules") || $0.contains("pytest_load_initial_conftests") || $0.contains("_importconftest") }
        guard let conftest = named ?? (loading ? conftests(in: directory).first : nil) else { return nil }
        guard let last = lines.last(where: { line in
            guard !line.hasPrefix("File "), let split = PythonFailureText.splitException(line) else { return false }
            return split.type.hasSuffix("Error") || split.type.hasSuffix("Exception") || split.type.hasSuffix("Warning")
        }), let split = PythonFailureText.splitException(last) else { return nil }
        let message = split.message.replacingOccurrences(of: directory + "/", with: "")
        return TestCase(id: conftest, file: conftest, outcome: .error,
                        failure: Failure(exceptionType: split.type, message: message, frames: [Frame(path: conftest, line: 0)], phase: .collection))
    }

    /// The checkout's `conftest.py` files, shallowest first.
    static func conftests(in directory: String) -> [String] {
        PythonFiles.list(root: directory).filter { ($0 as NSString).lastPathComponent == "conftest.py" }
            .sorted { ($0.split(separator: "/").count, $0) < ($1.split(separator: "/").count, $1) }
    }
}
