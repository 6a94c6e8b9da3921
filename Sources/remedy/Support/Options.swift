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

    @Flag(name: .long, help: "Write each external action's request and response to standard error.")
    var tracePlugins = false

    func validate() throws {
        if tracePlugins { setenv("REMEDY_TRACE_PLUGINS", "1", 1) }
    }

    /// The shipped rules plus the user's folders (flags, then `.remedy.yml`), less the
    /// rules the configuration disables.
    func loadRules(pack: PythonPack, configuration: RemedyConfiguration = RemedyConfiguration()) throws -> [Rule] {
        let shipped = try Embedded.playbooksFolder()
        let rules = try PlaybookLoader(actions: pack.actionRegistry).load(folders: [shipped] + playbooks + configuration.playbooks,
                                                                          loaded: ShippedRules.loaded(folder: shipped, actions: pack.actionRegistry))
        for id in configuration.disabledRules where !rules.contains(where: { $0.id == id }) {
            throw RemedyError.badInput("\(RemedyConfiguration.fileName): disabled-rules names no rule '\(id)' (see remedy playbooks list)")
        }
        return rules.filter { !configuration.disabledRules.contains($0.id) }
    }
}

/// Flags of the commands that run tests.
struct RunOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The repository to repair.", valueName: "DIR"))
    var repo: String = "."

    @Option(name: .long, help: ArgumentHelp("The Python to run tests with (default: $VIRTUAL_ENV, then .venv/bin/python, then python3).", valueName: "PATH"))
    var python: String?

    @Option(name: .long, help: ArgumentHelp("The test command; {python}, {junit} and {tests} are filled in (default: \(PytestRunner.defaultTemplate)).", valueName: "TEMPLATE"))
    var testCommand: String?

    @Option(name: .long, help: ArgumentHelp("Time limit for one test run (default: 900).", valueName: "SECONDS"))
    var testTimeout: Int?

    @Flag(name: .long, help: "Do not import the modules behind skipped tests' guarded imports to find the causes the skips hide.")
    var noProbe = false

    func validate() throws {
        if let testTimeout, testTimeout <= 0 { throw ValidationError("--test-timeout must be a positive number of seconds") }
    }

    /// The runner: each setting from the flag, else `.remedy.yml`, else the default.
    func runner(workdir: String, configuration: RemedyConfiguration = RemedyConfiguration()) -> PytestRunner {
        PytestRunner(python: PythonInterpreter.resolve(flag: python, configured: configuration.python, repository: workdir),
                     template: testCommand ?? configuration.testCommand ?? PytestRunner.defaultTemplate,
                     timeout: .seconds(testTimeout ?? configuration.testTimeout ?? 900))
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
        let configured = (try? RemedyConfiguration.load(repository: root))?.python
        guard !noProbe, let probe = pack.probe(interpreter: PythonInterpreter.resolve(flag: python, configured: configured, repository: root)) else { return run }
        return await probe.reveal(run, root: root)
    }
}
