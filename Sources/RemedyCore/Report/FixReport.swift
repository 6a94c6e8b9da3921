import Foundation

/// What `remedy fix` tells its user: per finding, the root cause, each strategy's verdict
/// with the targeted tests before → after, the diff, and where it was published — or,
/// when nothing verified, where the candidate was kept for review.
public struct FixReport: Sendable {
    public var summary: FixSummary

    public init(summary: FixSummary) { self.summary = summary }

    /// How many targeted tests the text report lists per attempt.
    static let changesShown = 10

    public func render(_ format: ReportFormat, style: Style = Style(color: false)) throws -> String {
        switch format {
        case .json: return try JSONOutput.encode(summary)
        case .markdown: return markdown()
        case .text: return text(style)
        }
    }

    private func text(_ style: Style) -> String {
        var out: [String] = []
        if summary.findings.isEmpty {
            out.append(summary.unmatched.isEmpty ? "Nothing to fix: no test fails." : "Nothing to fix: no rule matches the failures.")
        }
        for f in summary.findings {
            out.append(style.bold("Finding \(f.number): \(f.rule)") + " — \(f.exceptionType): \(f.message)")
            out.append("  \(f.tests.count) test\(f.tests.count == 1 ? "" : "s") · signature \(f.signature.hash8)")
            for a in f.attempts {
                let verdict = a.verdict.isFixed ? style.green(a.verdict.label) : (a.verdict == .notReproduced ? style.yellow(a.verdict.label) : style.red(a.verdict.label))
                out.append("  strategy \(a.strategy) (\(a.action), \(a.applicability.rawValue)): \(verdict)\(a.verdict.detail.map { " — \($0)" } ?? "")")
                for note in a.notes { out.append("    " + note) }
                // Tests still failing first; a long list is cut (all of it is in --format json).
                let ordered = a.changes.filter { $0.after != .passed } + a.changes.filter { $0.after == .passed }
                for c in ordered.prefix(Self.changesShown) {
                    out.append("    \(c.test): \(c.before?.rawValue ?? "missing") → \(c.after?.rawValue ?? "missing")\(c.afterFailure.map { " (\($0))" } ?? "")")
                }
                if ordered.count > Self.changesShown {
                    let passed = ordered.dropFirst(Self.changesShown).filter { $0.after == .passed }.count
                    out.append("    … and \(ordered.count - Self.changesShown) more (\(passed) of them now pass; --format json lists all)")
                }
                for u in (a.unmasked ?? []).prefix(Self.changesShown) {
                    out.append("    \(u.test): skipped → failed (\(u.cause)) — unmasked, not a regression\(u.finding.map { "; finding \($0)'s cause, which depends on this fix" } ?? "")")
                }
            }
            if let branch = f.branch {
                out.append("  " + style.green("branch \(branch)") + (f.branchStatus.map { " (\($0))" } ?? "")
                           + (f.stackedOn.map { ", stacked on finding \($0)'s fix" } ?? ""))
            } else if let status = f.branchStatus {
                out.append("  " + style.yellow(status))
            }
            if f.applied { out.append("  " + style.green("applied to the working tree")) }
            if let error = f.publishError { out.append("  " + style.red("not applied: ") + error) }
            if let patch = f.patchFile {
                out.append("  " + (f.fixed ? "patch: " : style.yellow("unverified candidate kept for review: ")) + patch)
            }
            if let diff = (f.attempts.first { $0.verdict.isFixed } ?? f.attempts.first { $0.diff != nil })?.diff {
                out.append("")
                for line in diff.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                    let l = String(line)
                    if l.hasPrefix("+") && !l.hasPrefix("+++") { out.append("    " + style.green(l)) }
                    else if l.hasPrefix("-") && !l.hasPrefix("---") { out.append("    " + style.red(l)) }
                    else { out.append("    " + l) }
                }
            }
            out.append("")
        }
        if !summary.unmatched.isEmpty {
            out.append(style.bold("No rule matches") + " \(summary.unmatched.count) root cause\(summary.unmatched.count == 1 ? "" : "s"):")
            for c in summary.unmatched { out.append("  \(c.exceptionType): \(c.message) (\(c.tests.count) test\(c.tests.count == 1 ? "" : "s"))") }
            out.append("")
        }
        if let before = summary.suiteBefore, let after = summary.suiteAfter {
            out.append(style.bold("The whole suite, with every verified fix together"))
            let rows = [("passed", before.passed + before.xpassed, after.passed + after.xpassed), ("failed", before.failed, after.failed),
                        ("errors", before.errors, after.errors), ("skipped", before.skipped + before.xfailed, after.skipped + after.xfailed),
                        ("total", before.total, after.total)]
            out.append(TextTable.render(["", "Before", "After"], rows.map { [$0.0, "\($0.1)", "\($0.2)"] }, rightAligned: [1, 2]))
            func rate(_ t: Totals) -> String { t.total == 0 ? "-" : String(format: "%.1f%%", Double(t.passed + t.xpassed) * 100 / Double(t.total)) }
            out.append("  pass rate \(rate(before)) → \(rate(after))")
            out.append("")
        } else if let note = summary.suiteNote {
            out.append(style.yellow(note))
            out.append("")
        }
        let fixed = summary.findings.filter(\.fixed).count
        out.append("\(fixed) of \(summary.findings.count) finding\(summary.findings.count == 1 ? "" : "s") fixed and verified · tests ran \(String(format: "%.1f", summary.testWallSeconds ?? summary.testSeconds)) s of \(String(format: "%.1f", summary.totalSeconds)) s"
                   + (summary.testSeconds > (summary.testWallSeconds ?? summary.testSeconds) + 0.05 ? String(format: " (%.1f s of test runs side by side)", summary.testSeconds) : ""))
        return out.joined(separator: "\n") + "\n"
    }

    private func markdown() -> String {
        var out: [String] = ["## Remedy fix run `\(summary.run)`", ""]
        if let before = summary.suiteBefore, let after = summary.suiteAfter {
            out.append("| Whole suite | Before | With the verified fixes |")
            out.append("| --- | ---: | ---: |")
            out.append("| passed | \(before.passed + before.xpassed) | \(after.passed + after.xpassed) |")
            out.append("| failed | \(before.failed) | \(after.failed) |")
            out.append("| errors | \(before.errors) | \(after.errors) |")
            out.append("| skipped | \(before.skipped + before.xfailed) | \(after.skipped + after.xfailed) |")
            out.append("")
        }
        for f in summary.findings {
            out.append("### Finding \(f.number): `\(f.rule)` — \(f.fixed ? "fixed" : f.verdict.label)")
            out.append("")
            out.append("```")
            out.append("\(f.exceptionType): \(f.message)")
            out.append("```")
            out.append("")
            for a in f.attempts {
                out.append("- strategy `\(a.strategy)` (`\(a.action)`, \(a.applicability.rawValue)): **\(a.verdict.label)**\(a.verdict.detail.map { " — \($0)" } ?? "")")
                for c in a.changes { out.append("  - `\(c.test)`: \(c.before?.rawValue ?? "missing") → \(c.after?.rawValue ?? "missing")") }
                for u in a.unmasked ?? [] {
                    out.append("  - `\(u.test)`: skipped → failed (`\(u.cause)`): unmasked, not a regression\(u.finding.map { "; finding \($0)'s cause" } ?? "")")
                }
            }
            if let branch = f.branch {
                out.append("")
                out.append("Branch: `\(branch)`\(f.branchStatus.map { " (\($0))" } ?? "")\(f.stackedOn.map { ", stacked on finding \($0)'s fix" } ?? "")")
            }
            if let patch = f.patchFile { out.append(""); out.append("\(f.fixed ? "Patch" : "Unverified candidate"): `\(patch)`") }
            if let diff = (f.attempts.first { $0.verdict.isFixed } ?? f.attempts.first { $0.diff != nil })?.diff {
                out.append("")
                out.append("```diff")
                out.append(diff.hasSuffix("\n") ? String(diff.dropLast()) : diff)
                out.append("```")
            }
            out.append("")
        }
        return out.joined(separator: "\n") + "\n"
    }
}
