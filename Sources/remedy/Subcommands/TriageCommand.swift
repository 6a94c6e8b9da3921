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

    @OptionGroup var probe: ProbeOptions

    func validate() throws {
        if logs.isEmpty { throw ValidationError("give at least one log file (or - for standard input)") }
    }

    func run() async throws {
        let root = URL(fileURLWithPath: repo).standardizedFileURL.path
        let pack = PythonPack(root: root)
        if logs.count == 1, let bytes = try? readJUnit(logs[0], pack: pack) {
            try await streamed(bytes, source: logs[0], pack: pack, root: root)
            return
        }
        let testRun = await probe.reveal(try pack.logReader.read(paths: logs), pack: pack, root: root)
        let clusters = Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: root).clusters(of: testRun)
        let rules = try common.loadRules(pack: pack, configuration: RemedyConfiguration.load(repository: root))
        let findings = RuleMatcher(rules: rules).findings(for: clusters.filter { !$0.isSkip })
        let report = TriageReport(run: testRun, clusters: clusters, findings: findings, signatures: pack.signatureMaker)
        Console.output(try report.render(common.format, style: .forStandardOutput()))
    }

    /// The log's bytes when it is one JUnit report (a large one is streamed, not built).
    private func readJUnit(_ path: String, pack: PythonPack) throws -> [UInt8]? {
        guard path != "-", let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        guard (try? pack.logReader.detect(bytes: bytes, source: path)) == .junit else { return nil }
        // A report that is not JUnit at its root gets LogReader's error.
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        guard head.contains("<testsuite") else { return nil }
        return bytes
    }

    /// Triage of one JUnit report, streamed: passing tests are only counted.
    private func streamed(_ bytes: [UInt8], source: String, pack: PythonPack, root: String) async throws {
        var accumulator = TriageAccumulator(signatures: pack.signatureMaker)
        let leftover = JUnitStream(dialect: pack.dialect).stream(bytes: bytes, source: source, into: &accumulator)
        let skipped = await probe.reveal(TestRun(cases: leftover.skipped), pack: pack, root: root)
        for testCase in skipped.cases { accumulator.add(testCase) }
        let clusters = accumulator.clusters(scanner: pack.scanner, root: root)
        let findings = RuleMatcher(rules: try common.loadRules(pack: pack, configuration: RemedyConfiguration.load(repository: root))).findings(for: clusters.filter { !$0.isSkip })
        let report = TriageReport(sources: [source], totals: accumulator.totals, files: accumulator.files, skipReasons: accumulator.skipReasons,
                                  clusters: clusters, findings: findings, warnings: [], diagnostics: leftover.diagnostics + skipped.diagnostics)
        Console.output(try report.render(common.format, style: .forStandardOutput()))
    }
}
