import Foundation
import RemedyCore

/// Reads pytest's terminal output: verbose progress lines, the FAILURES and ERRORS
/// sections (collection, setup and teardown errors included), the warnings summary, the
/// short test summary (`-rA`, `-ra`, `-rs`…) and the final counts. ANSI colours are
/// stripped; what the log does not say (passes in a `-q` run without `-r`, a cut-off log)
/// is reported as a diagnostic, never guessed.
struct PytestOutputParser {
    let source: String

    static let outcomeWords: [String: Outcome] = [
        "PASSED": .passed, "FAILED": .failed, "ERROR": .error, "SKIPPED": .skipped, "XFAIL": .xfailed, "XPASS": .xpassed,
    ]

    /// How pytest begins the report of a conftest that does not import.
    static let conftestFailure = "ImportError while loading conftest '"

    static func recognizes(_ text: String) -> Bool {
        let clean = stripANSI(text)
        if clean.contains("test session starts") || clean.contains("short test summary info") { return true }
        if clean.contains(conftestFailure) { return true }
        for line in clean.split(separator: "\n").prefix(200_000) {
            if let word = line.split(separator: " ", maxSplits: 1).first, outcomeWords[String(word)] != nil, line.contains("::") || line.contains(".py") { return true }
            if finalCounts(String(line)) != nil { return true }
        }
        return false
    }

    static func stripANSI(_ text: String) -> String {
        guard text.contains("\u{1B}") else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var iterator = text.unicodeScalars.makeIterator()
        var scalars = String.UnicodeScalarView()
        while let s = iterator.next() {
            if s == "\u{1B}" {
                if let next = iterator.next(), next == "[" {
                    while let c = iterator.next() { if (c.value >= 0x40 && c.value <= 0x7E) { break } }
                }
                continue
            }
            scalars.append(s)
        }
        out = String(scalars)
        return out
    }

    /// "8 failed, 3 passed, 1 skipped in 0.82s" (with or without the `=` rule around it).
    static func finalCounts(_ line: String) -> [String: Int]? {
        var text = line.trimmingCharacters(in: .whitespaces)
        while text.hasPrefix("=") { text.removeFirst() }
        while text.hasSuffix("=") { text.removeLast() }
        text = text.trimmingCharacters(in: .whitespaces)
        guard let inRange = text.range(of: " in ", options: .backwards), text.hasSuffix("s") || text.hasSuffix(")") else { return nil }
        var counts: [String: Int] = [:]
        for part in text[..<inRange.lowerBound].split(separator: ",") {
            let words = part.split(separator: " ")
            guard words.count == 2, let n = Int(words[0]) else { return nil }
            counts[String(words[1])] = n
        }
        return counts.isEmpty ? nil : counts
    }

    private struct Section {
        var title: String
        var lines: [Substring] = []
    }

    func parse(_ raw: String) -> TestRun {
        let text = Self.stripANSI(raw).replacingOccurrences(of: "\r\n", with: "\n")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var run = TestRun(sources: [source])

        // 1. Sections by their `=== title ===` rules.
        var sections: [Section] = [Section(title: "")]
        var counts: [String: Int]? = nil
        for line in lines {
            if line.hasPrefix("=="), line.hasSuffix("=="), line.count > 6 {
                let title = line.trimmingCharacters(in: CharacterSet(charactersIn: "= "))
                if let c = Self.finalCounts(String(line)) { counts = c; sections.append(Section(title: "counts")); continue }
                sections.append(Section(title: title))
                continue
            }
            if counts == nil, let c = Self.finalCounts(String(line)), !line.hasPrefix(" ") { counts = c; continue }
            sections[sections.count - 1].lines.append(line)
        }

        var outcomes: [(id: String, outcome: Outcome, message: String?)] = []
        var skipLines: [(count: Int, path: String, line: Int?, reason: String)] = []
        var failureBlocks: [(title: String, body: [Substring], errors: Bool)] = []
        // --tb=line: "path.py:12: Type: message", one line per failure, in run order.
        var lineEntries: [(path: String, line: Int, text: String)] = []
        var interrupted: String? = nil

        // A conftest that does not import stops pytest before the session starts:
        // "ImportError while loading conftest '/abs/tests/conftest.py'." and a short traceback.
        // Every test behind it is cut off; the import failure is the cause, named by the conftest.
        let conftestHeader = sections[0].lines.firstIndex { $0.hasPrefix(Self.conftestFailure) }
        if let header = conftestHeader {
            let headerLine = sections[0].lines[header]
            let absolute = headerLine.dropFirst(Self.conftestFailure.count).prefix { $0 != "'" }
            let body = Array(sections[0].lines[(header + 1)...])
            // The traceback names the conftest relative to the root: "tests/conftest.py:14: in <module>".
            let relative = body.lazy.compactMap { line -> String? in
                guard let py = line.range(of: ".py:"), !line.hasPrefix(" "), !line.hasPrefix("E ") else { return nil }
                let path = String(line[..<py.lowerBound]) + ".py"
                return absolute.hasSuffix("/" + path) && (path as NSString).lastPathComponent == "conftest.py" ? path : nil
            }.first ?? ((absolute as NSString).pathComponents.suffix(2).joined(separator: "/"))
            failureBlocks.append(("ERROR collecting " + relative, body, true))
        }

        for section in sections {
            let title = section.title
            if title == "FAILURES" || title == "ERRORS" {
                var current: (String, [Substring])? = nil
                for line in section.lines {
                    if line.hasPrefix("___"), line.hasSuffix("___") || line.hasSuffix("__") {
                        if let c = current { failureBlocks.append((c.0, c.1, title == "ERRORS")) }
                        current = (line.trimmingCharacters(in: CharacterSet(charactersIn: "_ ")), [])
                    } else if current != nil {
                        current!.1.append(line)
                    }
                }
                if let c = current { failureBlocks.append((c.0, c.1, title == "ERRORS")) }
                if current == nil, title == "FAILURES" {
                    for line in section.lines where !line.hasPrefix("E ") {
                        guard let py = line.range(of: ".py:"), let colon = line[py.upperBound...].firstIndex(of: ":"),
                              let number = Int(line[py.upperBound..<colon]) else { continue }
                        let text = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                        lineEntries.append((String(line[..<py.lowerBound]) + ".py", number, text))
                    }
                }
            } else if title == "warnings summary" {
                run.warnings += parseWarnings(section.lines)
            } else {
                for line in section.lines {
                    if line.hasPrefix("!!!"), line.contains("Interrupted") {
                        interrupted = line.trimmingCharacters(in: CharacterSet(charactersIn: "! "))
                    }
                    if let parsed = parseOutcomeLine(line) {
                        if parsed.outcome == .skipped, let skip = parseSkipSummary(line) {
                            skipLines.append(skip)
                        } else {
                            outcomes.append(parsed)
                        }
                    }
                }
            }
        }

        // 2. Tests by id: the summary and verbose lines; later lines complete earlier ones.
        var order: [String] = []
        var byID: [String: TestCase] = [:]
        func record(_ id: String, _ outcome: Outcome, _ failure: Failure?) {
            let file = String(id.split(separator: "::", maxSplits: 1).first ?? Substring(id))
            if var existing = byID[id] {
                if existing.failure == nil { existing.failure = failure }
                if existing.outcome == .passed || outcome.isFailure { existing.outcome = outcome }
                byID[id] = existing
            } else {
                order.append(id)
                byID[id] = TestCase(id: id, file: file, outcome: outcome, failure: failure)
            }
        }
        for (id, outcome, message) in outcomes {
            var failure: Failure? = nil
            if outcome.isFailure, let message {
                let split = PythonFailureText.splitException(message)
                let (bare, hint) = PythonFailureText.splitHint(split?.message ?? message)
                failure = Failure(exceptionType: split?.type ?? "Error", message: bare, hint: hint, phase: .call)
            } else if outcome == .skipped || outcome == .xfailed {
                failure = Failure(exceptionType: Failure.skippedType, message: message ?? "", phase: .skip)
            }
            record(id, outcome, failure)
        }

        // 3. Tracebacks from FAILURES and ERRORS, matched to ids by their head line.
        for block in failureBlocks {
            var title = block.title
            var phase: Phase = .call
            var collectedPath: String? = nil
            if title.hasPrefix("ERROR collecting ") {
                collectedPath = String(title.dropFirst("ERROR collecting ".count))
                phase = .collection
            } else if title.hasPrefix("ERROR at setup of ") {
                title = String(title.dropFirst("ERROR at setup of ".count)); phase = .setup
            } else if title.hasPrefix("ERROR at teardown of ") {
                title = String(title.dropFirst("ERROR at teardown of ".count)); phase = .teardown
            }
            let body = block.body.joined(separator: "\n")
            let frames = PythonFailureText.frames(Substring(body))
            let id: String
            if let collectedPath {
                id = collectedPath
            } else if let known = matchID(title: title, frames: frames, candidates: order) {
                id = known
            } else {
                let file = frames.first(where: { ($0.path as NSString).lastPathComponent.hasPrefix("test") })?.path ?? frames.first?.path ?? "unknown"
                id = file + "::" + title.replacingOccurrences(of: ".", with: "::")
            }
            let summaryMessage = byID[id]?.failure.map { "\($0.exceptionType): \($0.message)" }
            var failure = PythonFailureText.failure(text: Substring(body), fallback: summaryMessage, phase: phase)
            if failure.hint == nil { failure.hint = byID[id]?.failure?.hint }
            let outcome: Outcome = block.errors ? .error : .failed
            if var existing = byID[id] {
                existing.failure = failure
                if !existing.outcome.isFailure { existing.outcome = outcome }
                byID[id] = existing
            } else {
                record(id, outcome, failure)
            }
        }

        // 3b. --tb=line entries belong to the failed tests in the order the run listed them.
        let failedIDs = order.filter { byID[$0]?.outcome == .failed }
        if !lineEntries.isEmpty, lineEntries.count == failedIDs.count {
            for (id, entry) in zip(failedIDs, lineEntries) where byID[id]?.failure == nil || byID[id]?.failure?.exceptionType == "Error" {
                let split = PythonFailureText.splitException(entry.text)
                let (bare, hint) = PythonFailureText.splitHint(split?.message ?? entry.text)
                byID[id]?.failure = Failure(exceptionType: split?.type ?? "Error", message: bare, hint: hint,
                                            frames: [Frame(path: entry.path, line: entry.line)], phase: .call)
            }
        }

        // 4. Skips from "SKIPPED [N] path:line: reason": each line claims N skipped tests of
        //    its file (those -v named, whose reason it completes), and stand-ins for the rest.
        var claimed: Set<String> = []
        for skip in skipLines {
            var remaining = skip.count
            for id in order where remaining > 0 && !claimed.contains(id) {
                // -v prints the reason cut to the terminal's width ("Streaming r..."): the summary's is whole.
                guard var test = byID[id], test.outcome == .skipped, test.file == skip.path else { continue }
                let shown = test.failure?.message ?? ""
                let stem = shown.hasSuffix("...") ? String(shown.dropLast(3)) : shown
                guard shown.isEmpty || skip.reason.hasPrefix(stem) else { continue }
                test.failure = Failure(exceptionType: Failure.skippedType, message: skip.reason, frames: skip.line.map { [Frame(path: skip.path, line: $0)] } ?? [], phase: .skip)
                byID[id] = test
                claimed.insert(id)
                remaining -= 1
            }
            while remaining > 0 {
                let base = skip.path + (skip.line.map { ":\($0)" } ?? "")
                var id = base
                var k = 2
                while byID[id] != nil { id = "\(base)#\(k)"; k += 1 }
                record(id, .skipped, Failure(exceptionType: Failure.skippedType, message: skip.reason, frames: skip.line.map { [Frame(path: skip.path, line: $0)] } ?? [], phase: .skip))
                byID[id]!.file = skip.path
                claimed.insert(id)
                remaining -= 1
            }
        }

        run.cases = order.map { byID[$0]! }
        let silent = run.cases.filter { $0.outcome.isFailure && $0.failure == nil }.count
        if silent > 0 {
            run.diagnostics.append("\(source): \(silent) failing test\(silent == 1 ? " has" : "s have") no message in this log; rerun with -rA and --tb=short (or give the JUnit report) to group them by cause")
        }
        if let interrupted {
            run.diagnostics.append("\(source): \(interrupted): pytest stopped after collection; tests in other files did not run (rerun with --continue-on-collection-errors)")
        }
        if let counts {
            let listed = run.totals
            let expected = (counts["passed"] ?? 0) + (counts["failed"] ?? 0) + (counts["error"] ?? 0) + (counts["errors"] ?? 0) + (counts["skipped"] ?? 0) + (counts["xfailed"] ?? 0) + (counts["xpassed"] ?? 0)
            if listed.total < expected {
                run.diagnostics.append("\(source): the log names \(listed.total) of the \(expected) tests pytest counted; rerun with -rA (or give the JUnit report) for all")
            }
        } else if !run.cases.isEmpty, conftestHeader == nil {
            run.diagnostics.append("\(source): the log ends before pytest's final counts (cut off?); read what it holds")
        }
        return run
    }

    /// Finds the id whose class and function part is `title` ("TestX.test_y", "test_y[1]").
    private func matchID(title: String, frames: [Frame], candidates: [String]) -> String? {
        let matches = candidates.filter { id in
            let parts = id.components(separatedBy: "::")
            return parts.count > 1 && parts.dropFirst().joined(separator: ".") == title
        }
        if matches.count <= 1 { return matches.first }
        let paths = Set(frames.map(\.path))
        return matches.first { paths.contains(String($0.split(separator: "::").first!)) } ?? matches.first
    }

    /// "PASSED id", "FAILED id - message", "id PASSED [ 10%]", "[gw0] [ 10%] PASSED id".
    private func parseOutcomeLine(_ line: Substring) -> (id: String, outcome: Outcome, message: String?)? {
        var rest = line.drop { $0 == " " }
        while rest.hasPrefix("[") { // xdist: [gw0] [ 10%]
            guard let close = rest.firstIndex(of: "]") else { return nil }
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        guard let firstSpace = rest.firstIndex(of: " ") else { return nil }
        if let outcome = Self.outcomeWords[String(rest[..<firstSpace])] {
            let after = rest[firstSpace...].drop { $0 == " " }
            if outcome == .skipped && after.hasPrefix("[") { return (String(after.prefix { $0 != " " }), .skipped, nil) }
            let id = Self.leadingID(after)
            guard !id.isEmpty, id.contains("::") || id.hasSuffix(".py") || id.contains(".py:") || outcome == .skipped else { return nil }
            let tail = after[id.endIndex...]
            let message = tail.hasPrefix(" - ") ? String(tail.dropFirst(3)) : nil
            return (String(id), outcome, message)
        }
        // Verbose: "tests/x.py::test_a PASSED [ 10%]" or "… SKIPPED (reason) [ 50%]"
        let id = Self.leadingID(rest)
        guard id.contains("::") else { return nil }
        let tail = rest[id.endIndex...].drop { $0 == " " }
        guard let word = tail.split(separator: " ", maxSplits: 1).first, let outcome = Self.outcomeWords[String(word)] else { return nil }
        var message: String? = nil
        if let open = tail.range(of: " ("), let close = tail.range(of: ")", options: .backwards), open.upperBound <= close.lowerBound {
            message = String(tail[open.upperBound..<close.lowerBound])
        }
        return (String(id), outcome, message)
    }

    /// A node id at the start of `text`: up to the first space outside the brackets of a
    /// parametrisation (`test_min_max[{{ [1, 2, 3]|min }}-1]` holds spaces).
    static func leadingID(_ text: Substring) -> Substring {
        var depth = 0
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if c == "[" { depth += 1 } else if c == "]" { depth = max(0, depth - 1) } else if c == " ", depth == 0 { break }
            index = text.index(after: index)
        }
        // Brackets that never close were not a parametrisation: the first word, then.
        if depth > 0, let space = text.firstIndex(of: " ") { return text[..<space] }
        return text[..<index]
    }

    /// "SKIPPED [2] tests/x.py:23: reason"
    private func parseSkipSummary(_ line: Substring) -> (count: Int, path: String, line: Int?, reason: String)? {
        guard line.hasPrefix("SKIPPED ["), let close = line.firstIndex(of: "]") else { return nil }
        let count = Int(line[line.index(line.startIndex, offsetBy: 9)..<close]) ?? 1
        let rest = line[line.index(after: close)...].drop { $0 == " " }
        guard let colon = rest.range(of: ": ") else { return nil }
        let location = rest[..<colon.lowerBound]
        var reason = String(rest[colon.upperBound...])
        if reason.hasPrefix("Skipped: ") { reason = String(reason.dropFirst(9)) }
        let parts = location.split(separator: ":")
        let path = String(parts.first ?? "")
        let number = parts.count > 1 ? Int(parts[1]) : nil
        return (count, path, number, reason)
    }

    /// The warnings summary: test ids, then indented "path:line: Category: message" lines.
    private func parseWarnings(_ lines: [Substring]) -> [TestWarning] {
        var warnings: [TestWarning] = []
        for line in lines {
            guard line.hasPrefix("  "), !line.hasPrefix("    ") else { continue }
            let body = line.trimmingCharacters(in: .whitespaces)
            guard let py = body.range(of: ".py:"), let colon = body[py.upperBound...].firstIndex(of: ":"), let number = Int(body[py.upperBound..<colon]) else { continue }
            let rest = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            // "Category: message": warnings classes need not end in Warning (PydanticDeprecatedSince20).
            guard let split = PythonFailureText.splitException(rest), split.type.first?.isUppercase == true else { continue }
            let warning = TestWarning(category: split.type, message: split.message, path: String(body[..<py.lowerBound]) + ".py", line: number)
            if !warnings.contains(warning) { warnings.append(warning) }
        }
        return warnings
    }
}
