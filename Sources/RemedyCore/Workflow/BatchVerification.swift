import Foundation

/// Batched verification: the first candidate of each finding is made in its own worktree
/// without running tests; candidates that touch different files are then verified
/// together — applied to one worktree, their tests and guard sets run once — and when
/// that joint run does not verify every one of them, the group is split in halves and
/// each half run again, down to single candidates, which go back to the one-by-one path
/// (where a fix that moves the failure on can be chained, and later strategies tried).
/// Each verified finding still gets its own commit, made from HEAD with its own edits.
extension FixWorkflow {
    /// A finding's first candidate, made but not verified.
    struct Prepared {
        let index: Int
        let finding: Finding
        let strategy: Strategy
        let action: any Action
        let applicability: Applicability
        let fix: Fix
        let changed: [String]
        let candidate: any CandidateWorkspace
        let files: [String]
        let guards: [String]
        let started: ContinuousClock.Instant
    }

    /// The trials of the findings whose first candidate verified in a batch, by index;
    /// the others are left to the one-by-one path.
    func batchVerified(_ findings: [Finding], runID: String) async throws -> [Int: Trial] {
        guard options.batch, findings.count > 1 else { return [:] }
        var prepared: [Prepared] = []
        for (index, finding) in findings.enumerated() {
            if let made = try await prepare(finding, index: index, runID: runID) { prepared.append(made) }
        }
        defer { for made in prepared { try? made.candidate.remove() } }
        guard prepared.count > 1 else { return [:] }

        // Reproduce first, once for all: the targets' files on HEAD.
        let files = Array(Set(prepared.flatMap(\.files))).sorted()
        say("reproducing \(prepared.count) findings together in \(files.count) test file\(files.count == 1 ? "" : "s")")
        let head = try repository.makeCandidate(run: runID, number: 2_000_000)
        defer { try? head.remove() }
        // A run that cannot be made leaves every finding to the one-by-one path, which says why.
        guard let reproduced = try? await timedRun(tests: files, in: head.root) else { return [:] }
        let before = await reveal(reproduced.run, in: head.root)
        let reproducible = prepared.filter { made in
            if case .notReproduced = Verdict.decide(targets: Array(made.finding.cluster.tests), before: before, after: before,
                                                    signatures: pack.signatureMaker, cause: made.finding.cluster.signature).0 { return false }
            return true
        }

        // Groups of candidates that touch different files, in finding order.
        var groups: [[Prepared]] = []
        for made in reproducible {
            if let at = groups.firstIndex(where: { group in group.allSatisfy { Set($0.changed).isDisjoint(with: made.changed) } }) {
                groups[at].append(made)
            } else {
                groups.append([made])
            }
        }
        var verified: [Int: Trial] = [:]
        var joint = 0
        for group in groups where group.count > 1 {
            verified.merge(try await verify(group, before: before, runID: runID, joint: &joint)) { a, _ in a }
        }
        return verified
    }

    /// A finding's first strategy, when it may run and its action makes a fix that writes:
    /// the fix written into a worktree of its own, with its test files and guard set.
    private func prepare(_ finding: Finding, index: Int, runID: String) async throws -> Prepared? {
        guard let strategy = finding.rule.strategies.first, let action = strategy.resolve(in: pack.actionRegistry) else { return nil }
        let applicability = strategy.applicability(of: action)
        if applicability == .displayOnly || (applicability == .unsafe && !options.unsafe) { return nil }
        let files = testFiles(of: finding)
        guard !files.isEmpty, !finding.cluster.tests.isEmpty else { return nil }
        let started = ContinuousClock.now
        let candidate = try repository.makeCandidate(run: runID, number: 1_000_000 + index)
        guard let fix = try? await action.fix(ActionRequest(finding: finding, parameters: strategy.resolvedParameters(finding.bindings),
                                                              root: candidate.root, interpreter: interpreter)),
              case let .changed(changed) = await write(fix, of: action, into: candidate.root) else {
            try? candidate.remove()
            return nil
        }
        let guards = pack.scanner.testFiles(importing: changed, root: candidate.root).filter { !files.contains($0) }
        return Prepared(index: index, finding: finding, strategy: strategy, action: action, applicability: applicability, fix: fix,
                        changed: changed, candidate: candidate, files: files, guards: guards, started: started)
    }

    /// One joint run for the group; every candidate verified, or the group split in halves.
    private func verify(_ group: [Prepared], before: TestRun, runID: String, joint: inout Int) async throws -> [Int: Trial] {
        guard group.count > 1 else { return [:] }
        joint += 1
        let worktree = try repository.makeCandidate(run: runID, number: 2_000_000 + joint)
        defer { try? worktree.remove() }
        var written = true
        for made in group {
            guard case .changed = await write(made.fix, of: made.action, into: worktree.root) else { written = false; break }
        }
        let numbers = group.map { String($0.finding.number) }.joined(separator: ", ")
        var outcomes: [(Prepared, Verdict, [TestChange])] = []
        // Why the group must be split, when it must.
        var split: String? = written ? nil : "did not verify them all"
        let files = Array(Set(group.flatMap { $0.files + $0.guards })).sorted()
        if written { say("verifying findings \(numbers) together: \(files.count) test file\(files.count == 1 ? "" : "s") in one run") }
        if written, let report = try? await timedRun(tests: files, in: worktree.root) {
            let after = await reveal(report.run, in: worktree.root)
            // Skipped tests that no candidate targets and that run now: some candidate let
            // them run, and a candidate alone may fail them (a dependent fix): split.
            let everyBefore = withGuards(before, Array(Set(group.flatMap(\.guards))))
            if !Verdict.unskipped(targets: group.flatMap(\.finding.cluster.tests), before: everyBefore, after: after).isEmpty { split = "did not verify them all" }
            for made in group {
                let guarded = withGuards(before, made.guards)
                let (verdict, changes) = Verdict.decide(targets: Array(made.finding.cluster.tests), before: guarded, after: after,
                                                        signatures: pack.signatureMaker, cause: made.finding.cluster.signature)
                let unmasked = Verdict.unmasked(targets: Array(made.finding.cluster.tests), before: guarded, after: after, signatures: pack.signatureMaker)
                // Unmasked tests may be any candidate's doing: the one-by-one path tells.
                if !verdict.isFixed || !unmasked.isEmpty || report.timedOut { split = "did not verify them all" }
                outcomes.append((made, verdict, changes))
            }
        } else if written {
            split = "could not be made"
        }
        if let split {
            say("the joint run of findings \(numbers) \(split): splitting")
            let half = group.count / 2
            var result = try await verify(Array(group[..<half]), before: before, runID: runID, joint: &joint)
            result.merge(try await verify(Array(group[half...]), before: before, runID: runID, joint: &joint)) { a, _ in a }
            return result
        }
        var trials: [Int: Trial] = [:]
        for (made, verdict, changes) in outcomes {
            var fix = made.fix
            let others = group.filter { $0.index != made.index }.map { String($0.finding.number) }
            fix.notes.append("Verified together with finding\(others.count == 1 ? "" : "s") \(others.joined(separator: ", ")) in one test run (their fixes touch other files).")
            let commit = try made.candidate.commit(paths: made.changed, message: commitMessage(fix: fix, finding: made.finding, changes: changes, verdict: verdict))
            let attempt = Attempt(strategy: made.strategy.id, action: made.action.id, applicability: min(made.applicability, fix.applicability),
                                  title: fix.title, notes: fix.notes, verdict: verdict, changes: changes, diff: commit.diff,
                                  diffHash: String(SHA256.hex(commit.diff).prefix(12)), seconds: (ContinuousClock.now - made.started).seconds)
            let result = FindingResult(number: made.finding.number, rule: made.finding.rule.id, ruleTitle: made.finding.rule.title,
                                       signature: made.finding.cluster.signature, exceptionType: made.finding.cluster.exceptionType,
                                       message: made.finding.cluster.message, tests: Array(made.finding.cluster.tests),
                                       attempts: [attempt], branch: nil, branchStatus: nil, patchFile: nil, applied: false)
            say("finding \(made.finding.number): \(made.finding.rule.id) — strategy \(made.strategy.id): \(verdict.label) (in the joint run)")
            trials[made.index] = Trial(result: result, winner: commit, review: nil)
        }
        return trials
    }
}
