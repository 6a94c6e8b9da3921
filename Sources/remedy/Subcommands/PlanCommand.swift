import ArgumentParser
import Foundation
import RemedyCore

/// `remedy plan [LOG...] --repo DIR`: the findings and their candidate diffs; changes nothing.
struct PlanCommand: InPlaceCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show each finding with its candidate patch; runs no fix and changes nothing.")

    @Argument(help: ArgumentHelp("pytest output or JUnit XML files; with none, the suite is run first (on HEAD, in a worktree).", valueName: "LOG"))
    var logs: [String] = []

    @OptionGroup var run: RunOptions
    @OptionGroup var common: CommonOptions

    func runHere() async throws {
        let session = try FixSession(repo: run.repo, runOptions: run, common: common)
        let runID = FixWorkflow.newRunID()
        let testRun = try await session.testRun(logs: logs, runID: runID)
        let planned = try await session.workflow.plan(testRun, runID: runID)
        switch common.format {
        case .json:
            Console.output(try JSONOutput.encode(planned) + "\n")
        case .text, .markdown:
            var out: [String] = []
            if planned.isEmpty { out.append("Nothing to fix: no rule matches a failure.") }
            for p in planned {
                out.append("Finding \(p.number): \(p.rule) — \(p.exceptionType): \(p.message) (\(p.tests.count) test\(p.tests.count == 1 ? "" : "s"), signature \(p.signature.hash8))")
                if let title = p.title {
                    out.append("  candidate (\(p.strategy ?? ""), \(p.applicability?.rawValue ?? "")): \(title)")
                    for note in p.notes { out.append("    \(note)") }
                    out.append(common.format == .markdown ? "```diff\n\(p.diff ?? "")```" : (p.diff ?? ""))
                } else {
                    out.append("  no candidate: \(p.refusals.joined(separator: "; "))")
                }
            }
            Console.output(out.joined(separator: "\n") + "\n")
        }
    }
}
