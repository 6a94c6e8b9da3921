import Foundation

/// How `remedy fix` publishes what it proves.
public enum PublishMode: String, Codable, Sendable, CaseIterable {
    /// One branch per root cause (the bot).
    case branch
    /// `git format-patch` files (the developer who applies with `git am`).
    case patch
    /// The verified edits applied to the working tree, over uncommitted changes.
    case apply
}

/// The choices a `remedy fix` run is made with.
public struct FixOptions: Sendable {
    public var mode: PublishMode = .branch
    public var rules: [String] = []
    public var findings: [Int] = []
    public var unsafe = false
    public var branchPrefix = "remedy/"
    public var patchDirectory: String? = nil
    public var maxBranches: Int? = nil
    /// Push each published branch to this remote.
    public var push: String? = nil
    /// How many fixes one strategy may chain when its fix changes the failure to another
    /// cause a rule knows (the first fix included).
    public var maxAttempts = 3
    /// How many findings are tried at once, each in its own worktree (default: the cores).
    public var jobs = UsableCores.count
    /// Verify the first candidates of findings that touch different files together, in
    /// one test run, bisecting when that run fails.
    public var batch = true

    public init() {}
}

/// One strategy tried on one finding.
public struct Attempt: Codable, Sendable {
    public var strategy: String
    public var action: String
    public var applicability: Applicability
    public var title: String?
    public var notes: [String]
    public var verdict: Verdict
    public var changes: [TestChange]
    public var diff: String?
    public var diffHash: String?
    public var seconds: Double
    /// Tests skipped before that the fix let run and that now fail (not regressions).
    public var unmasked: [UnmaskedTest]? = nil
}

/// What happened to one finding.
public struct FindingResult: Codable, Sendable {
    public var number: Int
    public var rule: String
    public var ruleTitle: String
    public var signature: Signature
    public var exceptionType: String
    public var message: String
    public var tests: [String]
    public var attempts: [Attempt]
    /// The published branch (branch mode), when verified.
    public var branch: String?
    /// A note on the branch: created, updated, or already proposed.
    public var branchStatus: String?
    /// Patch file written (patch mode, or an unverified candidate kept for review).
    public var patchFile: String?
    public var applied: Bool
    /// Why a verified fix could not be published (a patch that no longer applies…).
    public var publishError: String? = nil
    /// The finding whose fix this one's branch is stacked on: that fix let tests run that
    /// fail with this finding's cause, so the two are published together, in order.
    public var stackedOn: Int? = nil

    public var verdict: Verdict { attempts.last?.verdict ?? .rejected("no strategy could be tried") }
    public var fixed: Bool { attempts.contains { $0.verdict.isFixed } }
}

/// Everything `remedy fix` did.
public struct FixSummary: Codable, Sendable {
    public var run: String
    public var head: String
    public var findings: [FindingResult]
    public var unmatched: [Cluster]
    public var dirtyPaths: [String]
    /// Time in test runs, summed over runs (parallel runs each count).
    public var testSeconds: Double
    /// Wall time during which at least one test run was going: the wall time minus this
    /// is Remedy's own time.
    public var testWallSeconds: Double? = nil
    public var totalSeconds: Double
    /// The whole suite before, and with every verified fix applied together (the seed's
    /// "rerun the test suite"); nil when nothing was fixed.
    public var suiteBefore: Totals? = nil
    public var suiteAfter: Totals? = nil
    /// Why the verified fixes could not be tried together, when they could not.
    public var suiteNote: String? = nil

    /// Every finding fixed and published: the run's success (exit 0).
    public var allFixed: Bool { findings.allSatisfy { $0.fixed && $0.publishError == nil } }
}

/// The fix workflow: for each finding, in its own worktree at HEAD — reproduce, apply
/// the strategies in order, rerun the cluster's test files, decide the verdict — and
/// publish only what verified.
///
/// Findings are tried side by side (`FixOptions.jobs` at once), each in its own
/// worktrees; the little state they share (the time spent in tests) is behind a lock, git
/// calls are serialised by RemedyGit, and publishing happens afterwards, one finding at a
/// time in finding order, so the result does not depend on which finished first.
public final class FixWorkflow: @unchecked Sendable {
    public let pack: any LanguagePack
    public let repository: any SourceControl
    public let runner: any TestRunner
    public let rules: [Rule]
    public let options: FixOptions
    public var progress: (String) -> Void
    /// Reveals the causes behind skipped tests before matching; nil skips that.
    public var probe: (any SkipProbe)?
    /// Checks that every file a fix touched still parses; nil skips that.
    public var validator: (any SourceValidator)?
    /// The project's interpreter, handed to actions that ask it (nil: the pack decides).
    public var interpreter: String?

    private let testClock = TestClock()
    /// The finding a progress line belongs to, when several are tried at once.
    @TaskLocal static var findingLabel = ""
    /// The run this fix run started from (the log, or the suite on HEAD).
    var baseline = TestRun()
    /// When the workflow was made: its total time includes the first suite run.
    private let createdAt = ContinuousClock.now

    public init(pack: any LanguagePack, repository: any SourceControl, runner: any TestRunner, rules: [Rule], options: FixOptions,
                probe: (any SkipProbe)? = nil, validator: (any SourceValidator)? = nil, interpreter: String? = nil,
                progress: @escaping (String) -> Void = { _ in }) {
        self.interpreter = interpreter
        self.probe = probe
        self.validator = validator
        self.pack = pack
        self.repository = repository
        self.runner = runner
        self.rules = rules
        self.options = options
        self.progress = progress
    }

    /// Runs the whole suite on HEAD, in a worktree, so the user's tree is never run in.
    public func runSuiteOnHead(runID: String) async throws -> TestRun {
        let candidate = try repository.makeCandidate(run: runID, number: 0)
        defer { try? candidate.remove() }
        progress("running the test suite on HEAD")
        let report = try await timedRun(tests: [], in: candidate.root)
        if report.timedOut { throw RemedyError.badInput("the test suite did not finish in time (raise --test-timeout)") }
        if report.run.cases.isEmpty {
            let tail = report.output.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw RemedyError.badInput("the test command reported no tests (exit \(report.status)):\n\(tail)")
        }
        return await reveal(report.run, in: candidate.root)
    }

    /// Runs the probe on HEAD's tree (in a worktree of its own when none is given).
    public func reveal(_ run: TestRun, in root: String? = nil, runID: String = FixWorkflow.newRunID()) async -> TestRun {
        guard let probe, run.cases.contains(where: { $0.outcome == .skipped }) else { return run }
        if let root { return await probe.reveal(run, root: root) }
        guard let candidate = try? repository.makeCandidate(run: runID, number: 0) else { return run }
        defer { try? candidate.remove() }
        return await probe.reveal(run, root: candidate.root)
    }

    /// The matched findings for a run, filtered by `--rule` and `--finding`.
    public func findings(for run: TestRun) -> (findings: [Finding], unmatched: [Cluster]) {
        let triage = Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: repository.workdir)
        let clusters = triage.clusters(of: run)
        let all = RuleMatcher(rules: rules.filter { $0.language == pack.language }, root: repository.workdir).findings(for: clusters.filter { !$0.isSkip })
        let matched = Set(all.map(\.cluster.signature.hash))
        let chosen = all.filter { finding in
            (options.rules.isEmpty || options.rules.contains(finding.rule.id)) && (options.findings.isEmpty || options.findings.contains(finding.number))
        }
        return (chosen, clusters.filter { !$0.isSkip && !matched.contains($0.signature.hash) })
    }

    public func run(_ testRun: TestRun, runID: String = FixWorkflow.newRunID()) async throws -> FixSummary {
        let head = try repository.headCommit()
        let journal = RunJournal(stateDirectory: repository.stateDirectory)
        var entry = RunJournal.Entry(run: runID, started: Date(), finished: nil, status: "running", processID: getpid(), head: head,
                                     mode: options.mode.rawValue, summary: nil)
        try? journal.write(entry)
        var summary = try await fix(testRun, runID: runID, head: head)
        try await rerunWithEveryFix(&summary, before: testRun, runID: runID)
        entry.finished = Date()
        // A run whose tests were killed by SIGINT/SIGTERM ends here only by racing the
        // handler's exit; its verdicts are not to be trusted.
        entry.status = ChildProcess.isStopping ? "interrupted" : "done"
        entry.summary = summary
        try? journal.write(entry)
        return summary
    }

    private func fix(_ testRun: TestRun, runID: String, head: String) async throws -> FixSummary {
        baseline = testRun
        let dirty = try repository.dirtyPaths()
        let (findings, unmatched) = findings(for: testRun)
        // First candidates of independent findings verified together; the rest tried one
        // by one (in parallel, `jobs` at a time); then published in finding order.
        let batched = try await batchVerified(findings, runID: runID)
        let remaining = findings.indices.filter { batched[$0] == nil }
        let tried = try await trialsInParallel(remaining.map { findings[$0] }, runID: runID, indices: remaining)
        var slots = findings.indices.map { batched[$0] }
        for (k, index) in remaining.enumerated() { slots[index] = tried[k] }
        let trials = slots.map { $0! }
        var results: [FindingResult] = []
        var branches = 0
        let findingBySignature = Dictionary(findings.map { ($0.cluster.signature.hash, $0.number) }, uniquingKeysWith: { a, _ in a })
        for (finding, trial) in zip(findings, trials) {
            var result = trial.result
            // Tests a fix unmasked that fail with another finding's cause: the two depend.
            for k in result.attempts.indices {
                result.attempts[k].unmasked = result.attempts[k].unmasked?.map { test in
                    var test = test
                    test.finding = findingBySignature[test.signature].flatMap { $0 == finding.number ? nil : $0 }
                    return test
                }
            }
            if var winner = trial.winner {
                // Another fix unmasked tests that fail with this cause: stack this fix on it.
                if let (base, tests) = dependency(of: finding, in: zip(findings, trials).map { ($0, $1) }) {
                    switch try await stack(winner, of: finding, on: base.finding, base.commit, unmasked: tests, runID: runID) {
                    case let .stacked(commit):
                        winner = commit
                        result.stackedOn = base.finding.number
                    case let .notVerified(reason):
                        result.attempts[result.attempts.count - 1].notes.append("Not stacked on finding \(base.finding.number)'s fix: \(reason); published alone.")
                    }
                }
                try publish(winner, finding: finding, result: &result, branches: &branches, runID: runID)
            } else if let commit = trial.review {
                result.patchFile = try writePatch(commit, finding: finding, unverified: true)
            }
            results.append(result)
        }
        return FixSummary(run: runID, head: head, findings: results, unmatched: unmatched, dirtyPaths: dirty,
                          testSeconds: testClock.total, testWallSeconds: testClock.wall, totalSeconds: (ContinuousClock.now - createdAt).seconds)
    }

    /// What trying one finding's strategies came to: the attempts, the verified commit to
    /// publish, or the first candidate to keep for review.
    struct Trial: Sendable {
        var result: FindingResult
        var winner: CandidateCommit?
        var review: CandidateCommit?
    }

    private func trialsInParallel(_ findings: [Finding], runID: String, indices: [Int]) async throws -> [Trial] {
        let jobs = max(1, options.jobs)
        var trials = [Trial?](repeating: nil, count: findings.count)
        try await withThrowingTaskGroup(of: (Int, Trial).self) { group in
            var next = 0
            func start() {
                guard next < findings.count else { return }
                let index = next
                next += 1
                let label = jobs > 1 && findings.count > 1 ? String(findings[index].number) : ""
                group.addTask {
                    try await FixWorkflow.$findingLabel.withValue(label) {
                        (index, try await self.trial(findings[index], index: indices[index], runID: runID))
                    }
                }
            }
            for _ in 0..<min(jobs, findings.count) { start() }
            while let (index, trial) = try await group.next() {
                trials[index] = trial
                start()
            }
        }
        return trials.map { $0! }
    }

    /// One finding's strategies in order, each in its own worktree, until one verifies.
    func trial(_ finding: Finding, index: Int, runID: String) async throws -> Trial {
        let count = finding.cluster.tests.count
        say("finding \(finding.number): \(finding.rule.id) — \(finding.cluster.exceptionType): \(finding.cluster.message)\(count > 0 ? " (\(count) test\(count == 1 ? "" : "s"))" : "")")
        var result = FindingResult(number: finding.number, rule: finding.rule.id, ruleTitle: finding.rule.title, signature: finding.cluster.signature,
                                   exceptionType: finding.cluster.exceptionType, message: finding.cluster.message, tests: Array(finding.cluster.tests),
                                   attempts: [], branch: nil, branchStatus: nil, patchFile: nil, applied: false)
        var review: CandidateCommit? = nil
        var reproduced: TestRun? = nil
        for (k, strategy) in finding.rule.strategies.enumerated() {
            // Candidate numbers (temporary branch names) unique across parallel findings.
            let (attempt, commit) = try await attempt(strategy, for: finding, runID: runID, number: (index + 1) * 100 + k + 1, reproduced: &reproduced)
            result.attempts.append(attempt)
            say("  strategy \(strategy.id): \(attempt.verdict.label)\(attempt.verdict.detail.map { " — \($0)" } ?? "")")
            if attempt.verdict.isFixed, let commit { return Trial(result: result, winner: commit, review: nil) }
            if case .notReproduced = attempt.verdict { break }
            if let commit, review == nil { review = commit }
        }
        return Trial(result: result, winner: nil, review: review)
    }

    /// The verified fix of another finding that unmasked tests failing with this finding's
    /// cause (the first such, in finding order), with those tests.
    private func dependency(of finding: Finding, in all: [(Finding, Trial)]) -> (base: (finding: Finding, commit: CandidateCommit), tests: [UnmaskedTest])? {
        for (other, trial) in all where other.number != finding.number {
            guard let commit = trial.winner, let attempt = trial.result.attempts.last(where: { $0.verdict.isFixed }) else { continue }
            let tests = (attempt.unmasked ?? []).filter { $0.signature == finding.cluster.signature.hash }
            if !tests.isEmpty { return ((other, commit), tests) }
        }
        return nil
    }

    private enum Stacking {
        case stacked(CandidateCommit)
        case notVerified(String)
    }

    /// This finding's fix on top of the one it depends on, in one worktree, two commits;
    /// verified by running this finding's tests and the ones the other fix unmasked.
    private func stack(_ commit: CandidateCommit, of finding: Finding, on base: Finding, _ baseCommit: CandidateCommit,
                       unmasked: [UnmaskedTest], runID: String) async throws -> Stacking {
        let candidate = try repository.makeCandidate(run: runID, number: 3_000_000 + finding.number)
        defer { try? candidate.remove() }
        do {
            try candidate.apply(baseCommit.diff)
            _ = try candidate.commit(paths: Self.paths(in: baseCommit.diff), message: baseCommit.message)
            try candidate.apply(commit.diff)
        } catch {
            return .notVerified("the two fixes do not apply together (\(error))")
        }
        let unmaskedFiles = unmasked.map { String($0.test.split(separator: "::", maxSplits: 1).first ?? "") }
        let files = Array(Set(testFiles(of: finding) + unmaskedFiles)).sorted()
        say("  stacking on finding \(base.number)'s fix: verifying \(finding.cluster.tests.count + unmasked.count) test\(finding.cluster.tests.count + unmasked.count == 1 ? "" : "s") with both")
        let report = try await timedRun(tests: files, in: candidate.root)
        let byID = Dictionary(report.run.cases.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let failing = (finding.cluster.tests + unmasked.map(\.test)).filter { byID[$0].map { $0.outcome.isFailure } ?? false }
        guard !report.timedOut, failing.isEmpty else {
            return .notVerified(report.timedOut ? "the test run timed out" : "with both fixes \(failing.prefix(3).joined(separator: ", ")) still fail")
        }
        // The note goes before the trailers, which must stay last.
        let note = "Stacked on the fix for finding \(base.number) (\(base.rule.id)), which lets\n"
            + unmasked.map { "  \($0.test)" }.joined(separator: "\n") + "\nrun; with both fixes they pass.\n\n"
        var message = commit.message
        if let trailers = message.range(of: "\nRemedy-Rule: ") { message.insert(contentsOf: note, at: message.index(after: trailers.lowerBound)) } else { message += "\n" + note }
        do {
            return .stacked(try candidate.commit(paths: Self.paths(in: commit.diff), message: message))
        } catch {
            return .notVerified("the stacked commit could not be made (\(error))")
        }
    }

    /// The paths a unified diff touches (`diff --git a/X b/Y`: both sides).
    static func paths(in diff: String) -> [String] {
        var paths: [String] = []
        for line in diff.split(separator: "\n") where line.hasPrefix("diff --git a/") {
            guard let split = line.range(of: " b/") else { continue }
            let a = String(line[line.index(line.startIndex, offsetBy: 13)..<split.lowerBound]), b = String(line[split.upperBound...])
            for path in [a, b] where !paths.contains(path) { paths.append(path) }
        }
        return paths
    }

    /// A progress line, labelled with its finding when several run at once.
    func say(_ message: String) {
        let label = FixWorkflow.findingLabel
        progress(label.isEmpty ? message : "[\(label)] " + message.drop { $0 == " " })
    }

    /// Reruns the whole suite once on HEAD with every verified fix applied together, so the
    /// report can give the rates before and after.
    private func rerunWithEveryFix(_ summary: inout FixSummary, before: TestRun, runID: String) async throws {
        let diffs = summary.findings.compactMap { finding in finding.fixed ? finding.attempts.first(where: { $0.verdict.isFixed })?.diff : nil }
        guard !diffs.isEmpty else { return }
        let candidate = try repository.makeCandidate(run: runID, number: 4_000_000)
        defer { try? candidate.remove() }
        for diff in diffs {
            do { try candidate.apply(diff) } catch {
                summary.suiteNote = "the verified fixes do not apply together (\(error)); each was verified alone"
                return
            }
        }
        progress("rerunning the whole suite with the \(diffs.count) verified fix\(diffs.count == 1 ? "" : "es") together")
        let report = try await timedRun(tests: [], in: candidate.root)
        guard !report.timedOut, !report.run.cases.isEmpty else {
            summary.suiteNote = "the whole suite did not run to the end with the fixes together"
            return
        }
        summary.suiteBefore = before.totals
        summary.suiteAfter = report.run.totals
        summary.testSeconds = testClock.total
        summary.testWallSeconds = testClock.wall
        summary.totalSeconds = (ContinuousClock.now - createdAt).seconds
    }

    public static func newRunID() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date()) + "-" + String(UInt32.random(in: 0..<UInt32.max), radix: 36)
    }

    func timedRun(tests: [String], in directory: String) async throws -> TestRunReport {
        testClock.start()
        do {
            let report = try await runner.run(tests: tests, in: directory)
            testClock.stop(ran: report.seconds)
            return report
        } catch {
            testClock.stop(ran: 0)
            throw error
        }
    }

    /// The test files that hold the cluster's tests (the targets and their neighbours);
    /// for a warning, the test files that reach its cause; empty runs the whole suite.
    func testFiles(of finding: Finding) -> [String] {
        // The files the dialect gave the tests (a skip can be named by file and line,
        // `tests/x.py:41`, which is no file to run).
        var files = finding.cluster.files.filter { $0.tests > 0 }.map(\.path)
        if files.isEmpty {
            for id in finding.cluster.tests {
                let file = String(id.split(separator: "::", maxSplits: 1).first ?? Substring(id))
                if !files.contains(file) { files.append(file) }
            }
        }
        if files.isEmpty {
            files = finding.cluster.files.map(\.path).filter { path in
                let name = (path as NSString).lastPathComponent
                return name.hasPrefix("test_") || name.hasSuffix("_test.py")
            }
        }
        return files
    }

    /// A run on HEAD completed with the guard files' outcomes from the run Remedy started
    /// from (the reproduce run only holds the targets' files): the "before" a regression in
    /// a guard file is measured against.
    func withGuards(_ before: TestRun, _ guards: [String]) -> TestRun {
        guard !guards.isEmpty else { return before }
        let known = Set(before.cases.map(\.id))
        var guarded = before
        guarded.cases += baseline.cases.filter { guards.contains($0.file) && !known.contains($0.id) }
        return guarded
    }

    /// One strategy in its own worktree. `reproduced` is the run of the cluster's test
    /// files on HEAD: made by the first strategy that gets that far, reused by the others.
    private func attempt(_ strategy: Strategy, for finding: Finding, runID: String, number: Int,
                         reproduced: inout TestRun?) async throws -> (Attempt, CandidateCommit?) {
        let started = ContinuousClock.now
        guard let action = strategy.resolve(in: pack.actionRegistry) else {
            return (Attempt(strategy: strategy.id, action: strategy.action, applicability: .displayOnly, title: nil, notes: [],
                            verdict: .rejected("unknown action \(strategy.action)"), changes: [], diff: nil, diffHash: nil, seconds: 0), nil)
        }
        let applicability = strategy.applicability(of: action)
        func rejected(_ reason: String, notes: [String] = []) -> (Attempt, CandidateCommit?) {
            (Attempt(strategy: strategy.id, action: action.id, applicability: applicability, title: nil, notes: notes,
                     verdict: .rejected(reason), changes: [], diff: nil, diffHash: nil, seconds: (ContinuousClock.now - started).seconds), nil)
        }
        if applicability == .unsafe && !options.unsafe { return rejected("unsafe: run with --unsafe to try it (it will be flagged for review)") }
        if applicability == .displayOnly && options.mode != .patch { return rejected("display-only: shown with --mode patch") }

        let candidate = try repository.makeCandidate(run: runID, number: number)
        defer { try? candidate.remove() }
        let files = testFiles(of: finding)
        let before: TestRun
        if let reproduced {
            before = reproduced
        } else {
            say("  reproducing in \(files.isEmpty ? "the whole suite" : files.count == 1 ? files[0] : "\(files.count) test files")")
            do {
                before = await reveal(try await timedRun(tests: files, in: candidate.root).run, in: candidate.root)
            } catch let error as RemedyError {
                return rejected("the tests could not be run on HEAD: \(error.message)")
            }
            reproduced = before
        }
        // A failure that does not reproduce is reported so (flaky, or fixed already), never "fixed".
        let (unfixed, unchanged) = Verdict.decide(targets: Array(finding.cluster.tests), before: before, after: before, signatures: pack.signatureMaker, cause: finding.cluster.signature)
        if case .notReproduced = unfixed {
            return (Attempt(strategy: strategy.id, action: action.id, applicability: applicability, title: nil, notes: [], verdict: .notReproduced,
                            changes: unchanged, diff: nil, diffHash: nil, seconds: (ContinuousClock.now - started).seconds), nil)
        }
        let fix: Fix
        do {
            fix = try await action.fix(ActionRequest(finding: finding, parameters: strategy.resolvedParameters(finding.bindings), root: candidate.root, interpreter: interpreter))
        } catch let refusal as ActionRefusal {
            return rejected("\(action.id) does not apply: \(refusal.reason)")
        }
        let changed: [String]
        switch await write(fix, of: action, into: candidate.root) {
        case let .changed(paths): changed = paths
        case let .refused(reason), let .broken(reason): return rejected(reason, notes: fix.notes)
        }
        // The guard set: other test files that import what the fix touched. Their outcomes
        // before come from the run Remedy started from; a test that passed there and fails
        // now is a regression.
        let guards = pack.scanner.testFiles(importing: changed, root: candidate.root).filter { !files.contains($0) }
        let runFiles = files.isEmpty ? [] : files + guards
        if !guards.isEmpty { say("  guard set: \(guards.count) more test file\(guards.count == 1 ? "" : "s") import what the fix touches") }
        say("  verifying: \(fix.title)")
        var afterReport: TestRunReport
        do {
            afterReport = try await timedRun(tests: runFiles, in: candidate.root)
        } catch let error as RemedyError {
            return rejected("the tests could not be run after the fix: \(error.message)", notes: fix.notes)
        }
        var after = await reveal(afterReport.run, in: candidate.root)
        let guarded = withGuards(before, guards)
        var (verdict, changes) = Verdict.decide(targets: Array(finding.cluster.tests), before: guarded, after: after, signatures: pack.signatureMaker, cause: finding.cluster.signature)
        var allChanged = changed
        var combined = fix
        // The fix moved the failure on to another cause a rule knows: fix that too, on top,
        // and verify the original tests again — up to --max-attempts fixes in all.
        var seen: Set<String> = [finding.cluster.signature.hash]
        var chained = 1
        while case .improved = verdict, chained < options.maxAttempts, !afterReport.timedOut {
            guard let next = try await chain(after: after, targets: Array(finding.cluster.tests), seen: &seen, root: candidate.root) else { break }
            chained += 1
            allChanged = Array(Set(allChanged).union(next.changed)).sorted()
            combined = Fix(title: combined.title, edits: combined.edits + next.fix.edits, applicability: min(combined.applicability, next.fix.applicability),
                           notes: combined.notes + ["Then the failure became \(next.cause); \(next.fix.title)."] + next.fix.notes)
            say("  the failure moved on to \(next.cause); verifying: \(next.fix.title)")
            afterReport = try await timedRun(tests: runFiles, in: candidate.root)
            after = await reveal(afterReport.run, in: candidate.root)
            (verdict, changes) = Verdict.decide(targets: Array(finding.cluster.tests), before: guarded, after: after, signatures: pack.signatureMaker, cause: finding.cluster.signature)
        }
        if afterReport.timedOut { verdict = .rejected("the test run timed out after the fix") }
        let unmasked = Verdict.unmasked(targets: Array(finding.cluster.tests), before: guarded, after: after, signatures: pack.signatureMaker)
        if !unmasked.isEmpty { say("  unmasked: \(unmasked.count) skipped test\(unmasked.count == 1 ? "" : "s") now run and fail (\(unmasked[0].cause))") }
        let message = commitMessage(fix: combined, finding: finding, changes: changes, verdict: verdict)
        let commit = try candidate.commit(paths: allChanged, message: message)
        let attempt = Attempt(strategy: strategy.id, action: action.id, applicability: min(applicability, combined.applicability), title: combined.title,
                              notes: combined.notes, verdict: verdict, changes: changes, diff: commit.diff,
                              diffHash: String(SHA256.hex(commit.diff).prefix(12)), seconds: (ContinuousClock.now - started).seconds,
                              unmasked: unmasked.isEmpty ? nil : unmasked)
        return (attempt, commit)
    }

    /// What writing a fix into a checkout came to.
    enum Written {
        case changed([String])
        /// Nothing to write, or an edit outside the checkout, into .git, or over another.
        case refused(String)
        /// A touched file no longer parses.
        case broken(String)
    }

    /// Writes a fix into a checkout (the editor confines every path) and checks that each
    /// touched file still parses.
    func write(_ fix: Fix, of action: any Action, into root: String) async -> Written {
        let changed: [String]
        do {
            changed = try FileEditor(root: URL(fileURLWithPath: root)).apply(fix)
        } catch let error as RemedyError {
            return .refused("\(action.id): \(error.message)")
        } catch {
            return .refused("\(action.id): \(error)")
        }
        if changed.isEmpty { return .refused("the fix changes nothing (already applied?)") }
        if let problems = await validator?.problems(in: changed, root: root), let (path, problem) = problems.sorted(by: { $0.key < $1.key }).first {
            return .broken("the fix leaves \(path) unparsable (\(problem)); dropped")
        }
        return .changed(changed)
    }

    /// The next fix when a fix changed the targets' failure: the new cause among the
    /// targets, the rule that matches it, and its first strategy that applies (allowed by
    /// --unsafe), written into the same checkout. Nil when there is none.
    private func chain(after: TestRun, targets: [String], seen: inout Set<String>, root: String) async throws -> (fix: Fix, changed: [String], cause: String)? {
        let targeted = Set(targets)
        let failing = TestRun(cases: after.cases.filter { targeted.contains($0.id) && ($0.outcome.isFailure || $0.skipReason != nil) })
        let clusters = Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: root).clusters(of: failing).filter { !$0.isSkip }
        for next in RuleMatcher(rules: rules.filter { $0.language == pack.language }, root: repository.workdir).findings(for: clusters.filter { !$0.isSkip }) where seen.insert(next.cluster.signature.hash).inserted {
            for strategy in next.rule.strategies {
                guard let action = strategy.resolve(in: pack.actionRegistry) else { continue }
                let applicability = strategy.applicability(of: action)
                if applicability == .unsafe && !options.unsafe || applicability == .displayOnly { continue }
                guard let fix = try? await action.fix(ActionRequest(finding: next, parameters: strategy.resolvedParameters(next.bindings), root: root, interpreter: interpreter)) else { continue }
                switch await write(fix, of: action, into: root) {
                case let .changed(changed): return (fix, changed, "\(next.cluster.exceptionType): \(next.cluster.message)")
                case .refused: continue
                case .broken: return nil
                }
            }
        }
        return nil
    }

    func commitMessage(fix: Fix, finding: Finding, changes: [TestChange], verdict: Verdict) -> String {
        var lines = [fix.title, ""]
        lines.append("\(finding.rule.title).")
        lines.append("Root cause: \(finding.cluster.exceptionType): \(finding.cluster.message)")
        lines.append("(\(finding.cluster.tests.count) test(s) in \(Set(finding.cluster.files.map(\.path)).count) file(s)).")
        for note in fix.notes { lines.append(note) }
        lines.append("")
        lines.append("Targeted tests, before -> after (verdict: \(verdict.label)):")
        for change in changes {
            lines.append("  \(change.test): \(change.before?.rawValue ?? "missing") -> \(change.after?.rawValue ?? "missing")")
        }
        lines.append("")
        lines.append("Remedy-Rule: \(finding.rule.id)")
        lines.append("Remedy-Signature: \(finding.cluster.signature.hash)")
        return lines.joined(separator: "\n") + "\n"
    }

    private func publish(_ commit: CandidateCommit, finding: Finding, result: inout FindingResult, branches: inout Int, runID: String) throws {
        switch options.mode {
        case .branch:
            let name = options.branchPrefix + finding.rule.id + "/" + finding.cluster.signature.hash8
            result.branch = name
            switch try repository.branchState(name) {
            case let .remedys(tree, place) where tree == commit.tree:
                result.branchStatus = "already proposed (\(place)); nothing new"
            case let .foreign(place):
                result.branch = nil
                result.branchStatus = "not published: \(place) holds commits that are not Remedy's"
                result.patchFile = try writePatch(commit, finding: finding, unverified: false)
            case .absent, .remedys:
                if let cap = options.maxBranches, branches >= cap {
                    result.branch = nil
                    result.branchStatus = "not published: --max-branches \(cap) reached"
                    return
                }
                let existed = try repository.branchState(name) != .absent
                try repository.setBranch(name, to: commit.id)
                branches += 1
                result.branchStatus = existed ? "updated" : "created"
                if let remote = options.push {
                    do {
                        try repository.push(name, to: remote)
                        result.branchStatus! += ", pushed to \(remote)"
                    } catch let error as RemedyError {
                        result.publishError = error.message
                    }
                }
            }
        case .patch:
            result.patchFile = try writePatch(commit, finding: finding, unverified: false)
        case .apply:
            do {
                try repository.applyToWorkingTree(commit.diff)
                result.applied = true
            } catch let error as RemedyError {
                result.publishError = error.message
                result.patchFile = try writePatch(commit, finding: finding, unverified: false)
            }
        }
    }

    /// Writes the commit as a `git format-patch` file; unverified candidates go to
    /// `.git/remedy/candidates/` unless a patch folder was given.
    private func writePatch(_ commit: CandidateCommit, finding: Finding, unverified: Bool) throws -> String {
        let folder = options.patchDirectory ?? (repository.stateDirectory + (unverified ? "/candidates" : "/patches"))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let name = String(format: "%04d-", finding.number) + finding.rule.id + "-" + finding.cluster.signature.hash8 + (unverified ? ".unverified" : "") + ".patch"
        let path = (folder as NSString).appendingPathComponent(name)
        try commit.email.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// A finding's first applicable candidate, shown by `remedy plan` without running tests.
public struct PlannedFinding: Codable, Sendable {
    public var number: Int
    public var rule: String
    public var signature: Signature
    public var exceptionType: String
    public var message: String
    public var tests: [String]
    public var strategy: String?
    public var applicability: Applicability?
    public var title: String?
    public var notes: [String]
    public var diff: String?
    /// Why no candidate could be made, when none was.
    public var refusals: [String]
}

extension FixWorkflow {
    /// For each finding, the first strategy that produces a fix, as a diff; nothing is
    /// published and the repository is left as it was.
    public func plan(_ testRun: TestRun, runID: String = FixWorkflow.newRunID()) async throws -> [PlannedFinding] {
        var planned: [PlannedFinding] = []
        var number = 0
        for finding in findings(for: testRun).findings {
            var entry = PlannedFinding(number: finding.number, rule: finding.rule.id, signature: finding.cluster.signature, exceptionType: finding.cluster.exceptionType,
                                       message: finding.cluster.message, tests: Array(finding.cluster.tests), strategy: nil, applicability: nil, title: nil,
                                       notes: [], diff: nil, refusals: [])
            for strategy in finding.rule.strategies {
                guard let action = strategy.resolve(in: pack.actionRegistry) else { continue }
                number += 1
                let candidate = try repository.makeCandidate(run: runID, number: number)
                defer { try? candidate.remove() }
                do {
                    let fix = try await action.fix(ActionRequest(finding: finding, parameters: strategy.resolvedParameters(finding.bindings), root: candidate.root, interpreter: interpreter))
                    let changed: [String]
                    switch await write(fix, of: action, into: candidate.root) {
                    case let .changed(paths): changed = paths
                    case let .refused(reason), let .broken(reason):
                        entry.refusals.append("\(strategy.id): \(reason)")
                        continue
                    }
                    let commit = try candidate.commit(paths: changed, message: fix.title + "\n")
                    entry.strategy = strategy.id
                    entry.applicability = strategy.applicability(of: action)
                    entry.title = fix.title
                    entry.notes = fix.notes
                    entry.diff = commit.diff
                    break
                } catch let refusal as ActionRefusal {
                    entry.refusals.append("\(strategy.id): \(refusal.reason)")
                }
            }
            planned.append(entry)
        }
        return planned
    }
}

/// The time spent in test runs: summed over runs, and as wall time (while any run was
/// going), since findings run their tests side by side.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var summed = 0.0, busy = 0.0, active = 0
    private var since = ContinuousClock.now

    func start() {
        lock.withLock {
            if active == 0 { since = .now }
            active += 1
        }
    }

    func stop(ran seconds: Double) {
        lock.withLock {
            summed += seconds
            active -= 1
            if active == 0 { busy += (ContinuousClock.now - since).seconds }
        }
    }

    var total: Double { lock.withLock { summed } }
    var wall: Double { lock.withLock { busy + (active > 0 ? (ContinuousClock.now - since).seconds : 0) } }
}
