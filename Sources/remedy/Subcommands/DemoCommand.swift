import ArgumentParser
import Foundation
import RemedyCore
import RemedyGit

/// `remedy demo`: the whole workflow on the embedded sample project, modelled on the
/// seed: copied to a new git repository, its failing suite run and triaged, and every
/// finding fixed, verified and published as a branch — or kept as an unverified candidate.
struct DemoCommand: InPlaceCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole workflow on the embedded sample project, in a new temporary repository.")

    @Option(name: .long, help: ArgumentHelp("Where to create the demo repository (must not exist; default: a new temporary folder).", valueName: "DIR"))
    var dir: String?

    @Option(name: .long, help: ArgumentHelp("The Python to run the demo's tests with (needs pytest).", valueName: "PATH"))
    var python: String?

    @Option(name: .long, help: "Output format: text, markdown or json.")
    var format: ReportFormat = .text

    func runHere() async throws {
        let folder: String
        if let dir {
            folder = URL(fileURLWithPath: dir).standardizedFileURL.path
            if FileManager.default.fileExists(atPath: folder) {
                throw RemedyError.badInput("\(dir) already exists; give --dir a new folder")
            }
        } else {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("remedy-demo-\(UUID().uuidString.prefix(8).lowercased())").path
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Embedded.writeDemo(to: folder)
        let repository = try Repository.create(at: folder)
        try repository.commitAll(message: "Demo project: integration tests against renamed helpers\n")
        Console.progress("demo repository: \(folder)")

        var runOptions = try RunOptions.parse([])
        runOptions.repo = folder
        runOptions.python = python
        try await checkPytest(runOptions.runner(workdir: folder).python)
        let common = try CommonOptions.parse([])
        let session = try FixSession(repo: folder, runOptions: runOptions, common: common)
        let runID = FixWorkflow.newRunID()
        let testRun = try await session.testRun(logs: [], runID: runID)
        let clusters = Triage(signatures: session.pack.signatureMaker, scanner: session.pack.scanner, root: folder).clusters(of: testRun)
        let findings = RuleMatcher(rules: session.workflow.rules).findings(for: clusters.filter { !$0.isSkip })
        let report = TriageReport(run: testRun, clusters: clusters, findings: findings, signatures: session.pack.signatureMaker)
        let summary = try await session.workflow.run(testRun, runID: runID)
        let style = Style.forStandardOutput()
        if format == .json {
            struct Demo: Encodable { var repository: String; var triage: TriageReport; var fix: FixSummary }
            Console.output(try JSONOutput.encode(Demo(repository: folder, triage: report, fix: summary)) + "\n")
            return
        }
        Console.output(style.bold("1. The failing suite, triaged") + "\n\n" + (try report.render(format, style: style)) + "\n")
        Console.output(style.bold("2. The fixes, each verified by rerunning its tests in its own worktree") + "\n\n" + (try FixReport(summary: summary).render(format, style: style)))
        let branches = summary.findings.compactMap(\.branch)
        Console.output("\n" + style.bold("3. See for yourself") + "\n")
        Console.output("  The demo repository is \(folder) (your own files were not touched).\n")
        for branch in branches { Console.output("  git -C \(folder) log -p -1 \(branch)\n") }
        for patch in summary.findings.compactMap(\.patchFile) { Console.output("  less \(patch)\n") }
    }

    private func checkPytest(_ python: String) async throws {
        let probe = ChildProcess(executable: python, arguments: ["-c", "import pytest"], directory: FileManager.default.temporaryDirectory.path, timeout: .seconds(60))
        let result: ChildProcess.Result
        do { result = try await probe.run() } catch {
            throw RemedyError.badInput("cannot run \(python): install Python 3, or give --python PATH")
        }
        if result.status != 0 {
            throw RemedyError.badInput("pytest is not installed for \(python): apt-get install python3-pytest, or give --python a virtualenv's python that has it")
        }
    }
}
