import ArgumentParser
import Foundation
import RemedyCore
import RemedyGit
import RemedyPython

/// `remedy fix [LOG...] --repo DIR`: the whole workflow — each finding tried in its own
/// worktree, verified by rerunning its tests, and published only when fixed.
struct FixCommand: InPlaceCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Fix what the logs (or a fresh test run) show, verify each fix by rerunning the tests, and publish it.")

    @Argument(help: ArgumentHelp("pytest output or JUnit XML files; with none, the suite is run first (on HEAD, in a worktree).", valueName: "LOG"))
    var logs: [String] = []

    @OptionGroup var run: RunOptions
    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "branch (one branch per root cause; the default), patch (git format-patch files) or apply (edit the working tree).")
    var mode: PublishMode?

    @Option(name: .customLong("rule"), help: ArgumentHelp("Only findings of this rule (repeatable).", valueName: "ID"))
    var rules: [String] = []

    @Option(name: .customLong("finding"), help: ArgumentHelp("Only this finding, by its number (repeatable).", valueName: "N"))
    var findings: [Int] = []

    @Flag(name: .long, help: "Allow unsafe fixes (flagged for review).")
    var unsafe = false

    @Option(name: .long, help: ArgumentHelp("Prefix of fix branches (default: remedy/).", valueName: "PREFIX"))
    var branchPrefix: String?

    @Option(name: .long, help: ArgumentHelp("Where patch files go (default: .git/remedy/patches, unverified candidates in .git/remedy/candidates).", valueName: "DIR"))
    var patchDir: String?

    @Option(name: .long, help: ArgumentHelp("Publish at most this many branches in one run.", valueName: "N"))
    var maxBranches: Int?

    @Option(name: .long, help: ArgumentHelp("Push each new or updated branch to this remote (token from REMEDY_GIT_TOKEN or GITHUB_TOKEN, or the SSH agent).", valueName: "REMOTE"))
    var push: String?

    @Option(name: .long, help: ArgumentHelp("How many fixes one strategy may chain when a fix moves the failure on to another known cause (default: 3).", valueName: "N"))
    var maxAttempts: Int?

    @Option(name: .long, help: ArgumentHelp("How many findings to try at once, each in its own worktree (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    @Flag(name: .long, help: "Verify every candidate in a test run of its own, instead of verifying independent ones together.")
    var noBatch = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let branchPrefix { try Self.checkPrefix(branchPrefix, from: "--branch-prefix") }
        if let maxBranches, maxBranches < 0 { throw ValidationError("--max-branches must not be negative") }
        if let maxAttempts, maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
    }

    static func checkPrefix(_ prefix: String, from source: String) throws {
        if prefix.isEmpty || prefix.contains("..") || prefix.contains(" ") || prefix.hasPrefix("/") {
            throw RemedyError.badInput("\(source): '\(prefix)' is not a valid branch prefix (use something like remedy/)")
        }
    }

    func runHere() async throws {
        let session = try FixSession(repo: run.repo, runOptions: run, common: common) { configuration in
            var options = FixOptions()
            options.mode = mode ?? configuration.mode ?? .branch
            options.rules = rules
            options.findings = findings
            options.unsafe = unsafe || configuration.unsafe == true
            options.branchPrefix = branchPrefix ?? configuration.branchPrefix ?? "remedy/"
            try Self.checkPrefix(options.branchPrefix, from: branchPrefix == nil ? RemedyConfiguration.fileName : "--branch-prefix")
            options.patchDirectory = patchDir.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? configuration.patchDirectory
            options.maxBranches = maxBranches ?? configuration.maxBranches
            options.push = push ?? configuration.push
            options.maxAttempts = maxAttempts ?? configuration.maxAttempts ?? 3
            options.jobs = jobs ?? configuration.jobs ?? options.jobs
            options.batch = !noBatch
            return options
        }
        let summary = try await session.fix(logs: logs)
        Console.output(try FixReport(summary: summary).render(common.format, style: .forStandardOutput()))
        if !summary.allFixed { throw ExitCode(1) }
    }
}

/// Opens the repository, takes the lock, loads the rules: what `fix`, `plan` and `demo` share.
final class FixSession {
    let repository: Repository
    let workflow: FixWorkflow
    let pack: PythonPack
    private let lock: RunLock

    init(repo: String, runOptions: RunOptions, common: CommonOptions, options makeOptions: (RemedyConfiguration) throws -> FixOptions = { _ in FixOptions() }) throws {
        repository = try Repository(path: URL(fileURLWithPath: repo).standardizedFileURL.path)
        _ = try repository.headCommit()
        let configuration = try RemedyConfiguration.load(repository: repository.workdir)
        let options = try makeOptions(configuration)
        lock = try RunLock(stateDirectory: repository.stateDirectory)
        Interruption.install(repository: repository.workdir, lockFile: lock.path)
        let stale = try repository.removeStaleCandidates()
        if stale > 0 { Console.progress("removed \(stale) worktree(s) left by an earlier run") }
        pack = PythonPack(root: repository.workdir)
        let rules = try common.loadRules(pack: pack, configuration: configuration)
        let runner = runOptions.runner(workdir: repository.workdir, configuration: configuration)
        workflow = FixWorkflow(pack: pack, repository: repository, runner: runner, rules: rules,
                               options: options, probe: runOptions.noProbe ? nil : pack.probe(interpreter: runner.python),
                               validator: pack.validator(interpreter: runner.python), interpreter: runner.python, progress: Console.progress)
    }

    deinit { lock.release() }

    /// The run to repair: the logs, or the suite run on HEAD.
    func testRun(logs: [String], runID: String) async throws -> TestRun {
        if logs.isEmpty { return try await workflow.runSuiteOnHead(runID: runID) }
        let run = try pack.logReader.read(paths: logs)
        for diagnostic in run.diagnostics { Console.warning(diagnostic) }
        return await workflow.reveal(run, runID: runID)
    }

    func fix(logs: [String]) async throws -> FixSummary {
        let runID = FixWorkflow.newRunID()
        let testRun = try await testRun(logs: logs, runID: runID)
        let summary = try await workflow.run(testRun, runID: runID)
        if !logs.isEmpty {
            let touched = Set(summary.findings.flatMap { $0.tests.map { String($0.split(separator: "::").first ?? "") } })
            let diffs = summary.findings.flatMap { $0.attempts.compactMap(\.diff) }.joined()
            let dirty = summary.dirtyPaths.filter { path in touched.contains(path) || diffs.contains("+++ b/\(path)\n") }
            if !dirty.isEmpty {
                Console.warning("the log may come from a tree that differs from HEAD: \(dirty.joined(separator: ", ")) changed since the last commit; fixes are built and verified on HEAD")
            }
        }
        return summary
    }
}
