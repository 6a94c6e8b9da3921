import Foundation

/// The triage report — the seed's analysis, computed: the suite table, the rates, the root
/// causes ranked by impact with their exact messages and the files (with call counts) they
/// reach, the skip reasons, and the rule that matches each cause. One model, rendered as
/// terminal text, markdown or JSON (schema `remedy/triage/v1`).
public struct TriageReport: Codable, Sendable {
    public static let schema = "remedy/triage/v1"

    /// One row of the suite table: a test file.
    public struct Suite: Codable, Sendable {
        public var file: String
        public var total: Int, passed: Int, failed: Int, errors: Int, skipped: Int
        public var status: String
    }

    /// Percentages of the run, as the seed gives them.
    public struct Rates: Codable, Sendable {
        /// Tests that ran, of all tests.
        public var execution: Double
        /// Tests skipped, of all tests.
        public var skip: Double
        /// Tests failed or errored, of the tests that ran.
        public var failure: Double
        /// Tests passed, of all tests.
        public var pass: Double
    }

    /// One root cause.
    public struct Cause: Codable, Sendable {
        public var rank: Int
        public var exceptionType: String
        public var message: String
        public var hint: String?
        public var signature: Signature
        public var tests: TestIDs
        public var phases: [Phase]
        public var files: [FileImpact]
        public var callSites: Int
        /// The rule that matches it, if any.
        public var rule: String?
    }

    /// Skipped tests grouped by reason, with the causes a probe found behind them.
    public struct Skip: Codable, Sendable {
        public var reason: String
        public var tests: Int
        public var files: [String]
        /// The failures the skip hides ("ModuleNotFoundError: No module named 'x'").
        public var hides: [String]
    }

    public var schema = TriageReport.schema
    public var signatureVersion = SignatureMaker.version
    public var sources: [String]
    public var totals: Totals
    public var rates: Rates
    public var suites: [Suite]
    public var causes: [Cause]
    public var skips: [Skip]
    public var warnings: [TestWarning]
    public var diagnostics: [String]

    /// The report of a run read whole.
    public init(run: TestRun, clusters: [Cluster], findings: [Finding], signatures: SignatureMaker) {
        let accumulator = Triage(signatures: signatures).accumulate(run)
        self.init(sources: run.sources, totals: accumulator.totals, files: accumulator.files, skipReasons: accumulator.skipReasons,
                  clusters: clusters, findings: findings, warnings: run.warnings, diagnostics: run.diagnostics)
    }

    /// The report of a streamed run: per-file totals and clusters from a `TriageAccumulator`.
    public init(sources: [String], totals: Totals, files: [(path: String, totals: Totals)],
                skipReasons: [(reason: String, tests: Int, files: [String], hides: [String])],
                clusters: [Cluster], findings: [Finding], warnings: [TestWarning], diagnostics: [String]) {
        self.sources = sources
        self.totals = totals
        self.diagnostics = diagnostics
        self.warnings = warnings
        let t = totals
        func percent(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : (Double(part) * 1000 / Double(whole)).rounded() / 10 }
        rates = Rates(execution: percent(t.executed, t.total), skip: percent(t.skipped + t.xfailed, t.total),
                      failure: percent(t.failed + t.errors, t.executed), pass: percent(t.passed + t.xpassed, t.total))
        suites = files.map { file, s in
            let skipped = s.skipped + s.xfailed
            let status: String
            if s.failed + s.errors > 0 { status = "failing" }
            else if skipped == s.total { status = "all skipped" }
            else if skipped > 0 { status = "passing, \(skipped) skipped" }
            else { status = "passing" }
            return Suite(file: file, total: s.total, passed: s.passed + s.xpassed, failed: s.failed, errors: s.errors, skipped: skipped, status: status)
        }
        let ruleBySignature = Dictionary(findings.map { ($0.cluster.signature.hash, $0.rule.id) }, uniquingKeysWith: { a, _ in a })
        causes = clusters.filter { !$0.isSkip }.enumerated().map { index, c in
            Cause(rank: index + 1, exceptionType: c.exceptionType, message: c.message, hint: c.hint, signature: c.signature, tests: c.tests,
                  phases: c.phases, files: c.files, callSites: c.callSites, rule: ruleBySignature[c.signature.hash])
        }
        skips = skipReasons.map { Skip(reason: $0.reason, tests: $0.tests, files: $0.files, hides: $0.hides) }
    }
}

/// Output formats every reporting command accepts.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, markdown, json
}

/// Terminal styling: ANSI colour only on a terminal and when NO_COLOR is unset.
public struct Style: Sendable {
    public var color: Bool

    public init(color: Bool) { self.color = color }

    /// Colour when standard output is a terminal and NO_COLOR is not set.
    public static func forStandardOutput() -> Style {
        let noColor = EnvironmentVariable.value("NO_COLOR").map { !$0.isEmpty } ?? false
        return Style(color: !noColor && isatty(STDOUT_FILENO) == 1)
    }

    public func bold(_ s: String) -> String { color ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    public func red(_ s: String) -> String { color ? "\u{1B}[31m\(s)\u{1B}[0m" : s }
    public func green(_ s: String) -> String { color ? "\u{1B}[32m\(s)\u{1B}[0m" : s }
    public func yellow(_ s: String) -> String { color ? "\u{1B}[33m\(s)\u{1B}[0m" : s }
    public func dim(_ s: String) -> String { color ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
}

/// Aligned plain-text tables.
public enum TextTable {
    /// The table as lines: `indent`, then the cells padded to their column's width with
    /// two blanks between columns (the `rightAligned` columns padded on the left); no
    /// trailing blanks. Written as bytes: a suite table can have thousands of rows.
    public static func render(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = [], indent: String = "  ") -> String {
        let headerWidths = header.map(width)
        let rowWidths = rows.map { $0.map(width) }
        var widths = headerWidths
        for row in rowWidths { for (i, w) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], w) } }
        let right = (0..<widths.count).map { rightAligned.contains($0) }
        let lineLength = indent.utf8.count + widths.reduce(0, +) + 2 * max(0, widths.count - 1) + 1
        var out: [UInt8] = []
        out.reserveCapacity(lineLength * (rows.count + 1) + 64)
        func line(_ cells: [String], _ cellWidths: [Int]) {
            out.append(contentsOf: indent.utf8)
            // Padding is written only when something follows it: no trailing blanks.
            var pending = 0
            for (i, cell) in cells.enumerated() where i < widths.count {
                let pad = max(0, widths[i] - cellWidths[i])
                if i > 0 { pending += 2 }
                if right[i] { pending += pad }
                if !cell.isEmpty {
                    out.append(contentsOf: repeatElement(32, count: pending))
                    pending = 0
                    out.append(contentsOf: cell.utf8)
                }
                if !right[i] { pending += pad }
            }
            while out.last == 32 { out.removeLast() }
        }
        line(header, headerWidths)
        for (row, rowWidth) in zip(rows, rowWidths) {
            out.append(10)
            line(row, rowWidth)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Columns a cell takes: its bytes when ASCII, else its characters.
    static func width(_ cell: String) -> Int {
        var cell = cell
        let ascii = cell.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } ? bytes.count : nil }
        return ascii ?? cell.count
    }
}

public enum JSONOutput {
    /// Pretty, key-sorted JSON: stable for diffs and machines.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

extension TriageReport {
    public func render(_ format: ReportFormat, style: Style = Style(color: false)) throws -> String {
        switch format {
        case .json: return try JSONOutput.encode(self)
        case .markdown: return markdown()
        case .text: return text(style)
        }
    }

    /// How many files the text and markdown reports list per cause or skip reason; JSON
    /// lists every file. (A run of thousands of test files would otherwise give a line of
    /// hundreds of kilobytes, and markdown too long for a pull-request comment.)
    static let filesShown = 10

    /// The `filesShown` files with the most tests (then call sites), in that order; ties
    /// keep the cause's order — the head of a stable sort, picked in one pass.
    static func hardestHit(_ files: [FileImpact]) -> [FileImpact] {
        var kept: [FileImpact] = []
        kept.reserveCapacity(filesShown + 1)
        func ahead(_ a: FileImpact, _ b: FileImpact) -> Bool { (a.tests, a.callSites) > (b.tests, b.callSites) }
        for file in files {
            if kept.count == filesShown, let last = kept.last, !ahead(file, last) { continue }
            // After every kept file it does not beat: an equal one stays ahead.
            let at = kept.firstIndex { ahead(file, $0) } ?? kept.count
            kept.insert(file, at: at)
            if kept.count > filesShown { kept.removeLast() }
        }
        return kept
    }

    /// The first `filesShown` items, then how many more there are.
    private static func shortList(_ items: [String]) -> String {
        let shown = items.prefix(filesShown).joined(separator: ", ")
        return items.count > filesShown ? shown + " and \(items.count - filesShown) more" : shown
    }

    private static func moreFiles(_ count: Int) -> String { "… and \(count - filesShown) more files (--format json lists them all)" }

    /// "12.3%" (the rates are rounded to tenths), written without Foundation's formatting.
    static func rate(_ value: Double) -> String {
        let tenths = Int((abs(value) * 10).rounded())
        return (value < 0 ? "-" : "") + "\(tenths / 10).\(tenths % 10)%"
    }

    private func text(_ style: Style) -> String {
        var out: [String] = []
        let t = totals
        out.append(style.bold("Test run") + ": \(t.total) tests from \(sources.joined(separator: ", "))")
        out.append("")
        out.append(style.bold("Suites"))
        out.append(suiteTable())
        out.append("")
        out.append("Rates: execution \(Self.rate(rates.execution)) (\(t.executed) of \(t.total) ran) · skip \(Self.rate(rates.skip)) · failure \(Self.rate(rates.failure)) of executed · pass \(Self.rate(rates.pass))")
        out.append("")
        out.append(style.bold("Root causes, by tests affected") + style.dim(" (signature v\(signatureVersion))"))
        if causes.isEmpty { out.append("  none: no test failed") }
        for cause in causes {
            let calls = cause.callSites > 0 ? " · \(cause.callSites) call site\(cause.callSites == 1 ? "" : "s")" : ""
            out.append("  \(cause.rank). " + style.red("\(cause.exceptionType): \(cause.message)"))
            var facts = "     \(cause.tests.count) test\(cause.tests.count == 1 ? "" : "s")\(calls) · phase \(cause.phases.map(\.rawValue).joined(separator: ", ")) · signature \(cause.signature.hash8)"
            if let hint = cause.hint { facts += " · hint: did you mean '\(hint)'" }
            out.append(facts)
            out.append("     rule: " + (cause.rule.map { style.green($0) } ?? style.yellow("none matches")))
            // The files hit hardest first; a long tail is counted (JSON lists every file).
            let files = cause.files
            for file in Self.hardestHit(files) {
                out.append("     \(file.path): \(file.tests) test\(file.tests == 1 ? "" : "s")\(file.callSites > 0 ? ", \(file.callSites) call site\(file.callSites == 1 ? "" : "s")" : "")")
            }
            if files.count > Self.filesShown {
                out.append("     " + Self.moreFiles(files.count))
            }
        }
        if !skips.isEmpty {
            out.append("")
            out.append(style.bold("Skipped tests, by reason"))
            for skip in skips {
                out.append("  \(skip.tests) test\(skip.tests == 1 ? "" : "s"): \(skip.reason.isEmpty ? "(no reason given)" : skip.reason) — \(Self.shortList(skip.files))")
                for cause in skip.hides { out.append("     hides " + style.red(cause)) }
            }
        }
        if !warnings.isEmpty {
            out.append("")
            out.append(style.bold("Warnings"))
            for w in warnings { out.append("  \(w.category): \(w.message)\(w.path.map { " (\($0)\(w.line.map { ":\($0)" } ?? ""))" } ?? "")") }
        }
        if !diagnostics.isEmpty {
            out.append("")
            out.append(style.bold("Notes on the logs"))
            for d in diagnostics { out.append("  " + style.yellow(d)) }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The suite table as `TextTable` lays it out (numbers right-aligned), written straight
    /// from the numbers: a run can have thousands of test files.
    func suiteTable() -> String {
        let t = totals
        let header = ["File", "Total", "Passed", "Failed", "Errors", "Skipped", "Status"]
        // One row per file (thousands in a large run): its numbers in one flat array, five
        // per row, and its file's width worked out once.
        var files = suites.map(\.file), statuses = suites.map(\.status)
        var numbers: [Int] = []
        numbers.reserveCapacity(5 * (suites.count + 1))
        for suite in suites { numbers += [suite.total, suite.passed, suite.failed, suite.errors, suite.skipped] }
        files.append("TOTAL"); statuses.append("")
        numbers += [t.total, t.passed + t.xpassed, t.failed, t.errors, t.skipped + t.xfailed]
        let fileWidths = files.map(TextTable.width)
        func digits(_ n: Int) -> Int { var n = n, count = n < 0 ? 2 : 1; while n >= 10 || n <= -10 { n /= 10; count += 1 }; return count }
        var widths = header.map(TextTable.width)
        for row in files.indices {
            widths[0] = max(widths[0], fileWidths[row])
            for k in 0..<5 { widths[k + 1] = max(widths[k + 1], digits(numbers[5 * row + k])) }
            widths[6] = max(widths[6], TextTable.width(statuses[row]))
        }
        // Written into the text's own bytes: a generic append of repeated blanks cost more
        // than the rest of a row. At most a line's cells, blanks and separators per row.
        var capacity = 2 + header.reduce(0) { $0 + $1.utf8.count } + widths.reduce(0, +) + 2 * widths.count
        for row in files.indices {
            capacity += 2 + files[row].utf8.count + max(0, widths[0] - fileWidths[row]) + (widths[1...5].reduce(0, +) + 10) + 2 + statuses[row].utf8.count + 1
        }
        return String(unsafeUninitializedCapacity: capacity) { out in
            var at = 0
            func put(_ text: String) {
                var text = text
                text.withUTF8 { bytes in
                    guard let from = bytes.baseAddress else { return }
                    (out.baseAddress! + at).update(from: from, count: bytes.count)
                    at += bytes.count
                }
            }
            func blanks(_ count: Int) {
                guard count > 0 else { return }
                (out.baseAddress! + at).update(repeating: 32, count: count)
                at += count
            }
            func write(_ n: Int) {
                if n < 0 { out[at] = UInt8(ascii: "-"); at += 1 }
                var magnitude = n.magnitude
                var end = at + digits(n) - (n < 0 ? 1 : 0)
                at = end
                repeat { end -= 1; out[end] = UInt8(48 + magnitude % 10); magnitude /= 10 } while magnitude > 0
            }
            blanks(2)
            for (k, name) in header.enumerated() {
                if k > 0 { blanks(2) }
                if (1...5).contains(k) { blanks(widths[k] - TextTable.width(name)) }
                put(name)
                if k == 0 { blanks(widths[0] - TextTable.width(name)) }
            }
            for row in files.indices {
                out[at] = 10; at += 1
                blanks(2)
                put(files[row])
                blanks(widths[0] - fileWidths[row])
                for k in 0..<5 {
                    let n = numbers[5 * row + k]
                    blanks(2 + widths[k + 1] - digits(n))
                    write(n)
                }
                if !statuses[row].isEmpty { blanks(2); put(statuses[row]) }
            }
            return at
        }
    }

    private func markdown() -> String {
        var out: [String] = []
        let t = totals
        out.append("## Test run: \(t.total) tests")
        out.append("")
        out.append("| Test suite | Total | Passed | Failed | Errors | Skipped | Status |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for s in suites { out.append("| `\(s.file)` | \(s.total) | \(s.passed) | \(s.failed) | \(s.errors) | \(s.skipped) | \(s.status) |") }
        out.append("| **TOTAL** | **\(t.total)** | **\(t.passed + t.xpassed)** | **\(t.failed)** | **\(t.errors)** | **\(t.skipped + t.xfailed)** | |")
        out.append("")
        out.append("- **Execution rate:** \(Self.rate(rates.execution)) (\(t.executed) of \(t.total) tests ran)")
        out.append("- **Skip rate:** \(Self.rate(rates.skip))")
        out.append("- **Failure rate:** \(Self.rate(rates.failure)) of executed tests")
        out.append("- **Pass rate:** \(Self.rate(rates.pass))")
        out.append("")
        out.append("## Root causes, by tests affected")
        if causes.isEmpty { out.append(""); out.append("No test failed.") }
        for cause in causes {
            out.append("")
            out.append("### \(cause.rank). `\(cause.exceptionType)` — \(cause.tests.count) test\(cause.tests.count == 1 ? "" : "s")")
            out.append("")
            out.append("```")
            out.append("\(cause.exceptionType): \(cause.message)\(cause.hint.map { ". Did you mean: '\($0)'?" } ?? "")")
            out.append("```")
            out.append("")
            out.append("Signature `\(cause.signature.hash8)` (v\(cause.signature.version)) · rule: \(cause.rule.map { "`\($0)`" } ?? "none matches")")
            out.append("")
            out.append("**Files affected:**")
            let files = cause.files
            for f in Self.hardestHit(files) {
                out.append("- `\(f.path)` (\(f.tests) test\(f.tests == 1 ? "" : "s")\(f.callSites > 0 ? ", \(f.callSites) call\(f.callSites == 1 ? "" : "s")" : ""))")
            }
            if files.count > Self.filesShown { out.append("- " + Self.moreFiles(files.count)) }
        }
        if !skips.isEmpty {
            out.append("")
            out.append("## Skipped tests, by reason")
            out.append("")
            for s in skips {
                out.append("- **\(s.tests)** — \(s.reason.isEmpty ? "(no reason given)" : s.reason) (\(Self.shortList(s.files.map { "`\($0)`" })))")
                for cause in s.hides { out.append("  - hides `\(cause)`") }
            }
        }
        if !diagnostics.isEmpty {
            out.append("")
            out.append("## Notes on the logs")
            out.append("")
            for d in diagnostics { out.append("- \(d)") }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
