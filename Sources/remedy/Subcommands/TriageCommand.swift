import ArgumentParser
import Foundation
import RemedyCore
import RemedyPython

/// `remedy triage LOG...`: the seed-style report of one or more logs.
struct TriageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Report a test run: suites, rates, root causes ranked by impact, affected files with call counts.")

    @Argument(help: ArgumentHelp("pytest output or JUnit XML files (format detected from content); - reads standard input.", valueName: "LOG"))
    var logs: [String]

    @Option(name: .long, help: ArgumentHelp("The project the logs come from, for call-site counts and node ids (default: the current folder).", valueName: "DIR"))
    var repo: String = "."

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("The Python the probe imports guarded modules with (default: $VIRTUAL_ENV, then .venv/bin/python, then python3).", valueName: "PATH"))
    var python: String?

    @Flag(name: .long, help: "Do not run the probe that imports the modules behind skipped tests' guarded imports.")
    var noProbe = false

    func validate() throws {
        if logs.isEmpty { throw ValidationError("give at least one log file (or - for standard input)") }
    }

    func run() async throws {
        let root = URL(fileURLWithPath: repo).standardizedFileURL.path
        let pack = PythonPack(root: root)
        var testRun = try pack.logReader.read(paths: logs)
        if !noProbe, let probe = pack.probe(interpreter: PythonInterpreter.resolve(flag: python, repository: root)) {
            testRun = await probe.reveal(testRun, root: root)
        }
        let clusters = Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: root).clusters(of: testRun)
        let rules = try common.loadRules(pack: pack)
        let findings = RuleMatcher(rules: rules).findings(for: clusters.filter { !$0.isSkip })
        let report = TriageReport(run: testRun, clusters: clusters, findings: findings, signatures: pack.signatureMaker)
        Console.output(try report.render(common.format, style: .forStandardOutput()))
    }
}
