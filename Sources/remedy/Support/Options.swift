import ArgumentParser
import Foundation
import RemedyCore
import RemedyPython

extension ReportFormat: ExpressibleByArgument {}
extension PublishMode: ExpressibleByArgument {}

/// Flags every reporting command shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text, markdown or json.")
    var format: ReportFormat = .text

    @Option(name: .long, help: ArgumentHelp("Add a folder of playbook rules to the shipped ones (repeatable).", valueName: "DIR"))
    var playbooks: [String] = []

    /// The shipped rules plus the user's folders.
    func loadRules(pack: PythonPack) throws -> [Rule] {
        try PlaybookLoader(actions: pack.actionRegistry).load(folders: playbooks, embedded: Embedded.playbooks)
    }
}

/// Flags of the commands that run tests.
struct RunOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The repository to repair.", valueName: "DIR"))
    var repo: String = "."

    @Option(name: .long, help: ArgumentHelp("The Python to run tests with (default: $VIRTUAL_ENV, then .venv/bin/python, then python3).", valueName: "PATH"))
    var python: String?

    @Option(name: .long, help: ArgumentHelp("The test command; {python}, {junit} and {tests} are filled in.", valueName: "TEMPLATE"))
    var testCommand: String = PytestRunner.defaultTemplate

    @Option(name: .long, help: ArgumentHelp("Time limit for one test run.", valueName: "SECONDS"))
    var testTimeout: Int = 900

    func validate() throws {
        guard testTimeout > 0 else { throw ValidationError("--test-timeout must be a positive number of seconds") }
    }

    func runner(workdir: String) -> PytestRunner {
        PytestRunner(python: PythonInterpreter.resolve(flag: python, repository: workdir), template: testCommand, timeout: .seconds(testTimeout))
    }
}

/// Flags of the commands that read logs without running tests: the guarded-import probe.
struct ProbeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The Python the probe imports guarded modules with (default: $VIRTUAL_ENV, then .venv/bin/python, then python3).", valueName: "PATH"))
    var python: String?

    @Flag(name: .long, help: "Do not run the probe that imports the modules behind skipped tests' guarded imports.")
    var noProbe = false

    /// The run with the causes behind its skips revealed (unless --no-probe).
    func reveal(_ run: TestRun, pack: PythonPack, root: String) async -> TestRun {
        guard !noProbe, let probe = pack.probe(interpreter: PythonInterpreter.resolve(flag: python, repository: root)) else { return run }
        return await probe.reveal(run, root: root)
    }
}
