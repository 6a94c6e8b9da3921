import Foundation
/// One targeted test before and after a candidate fix.
/// A test a fix let run that the run had skipped, and the failure it shows now.
public struct UnmaskedTest: Codable, Sendable, Hashable {
    public var test: String
    public var cause: String
    /// The signature hash of its failure: another finding's, when the causes depend.
    public var signature: String
    /// The finding with that cause, when the run has one.
    public var finding: Int?
}

public struct TestChange: Codable, Sendable, Hashable {
    public var test: String
    public var before: Outcome?
    public var after: Outcome?
    /// The failure after the fix, when the test still fails (exception: message).
    public var afterFailure: String?

    public init(test: String, before: Outcome?, after: Outcome?, afterFailure: String? = nil) {
        self.test = test
        self.before = before
        self.after = after
        self.afterFailure = afterFailure
    }
}

/// What the rerun proved about a candidate fix.
public enum Verdict: Codable, Sendable, Hashable {
    /// Every targeted test that failed now passes, and nothing that passed fails.
    case fixed
    /// The failure changed to another signature (the fix moved things on, not far enough).
    case improved(String)
    /// The targeted tests still fail the same way.
    case unchanged
    /// A test that passed before now fails.
    case regressed([String])
    /// The targeted tests passed before any fix: flaky, or already fixed.
    case notReproduced
    /// The candidate was not tried (refused, not applicable, broke a file).
    case rejected(String)

    public var isFixed: Bool { self == .fixed }

    public var label: String {
        switch self {
        case .fixed: "fixed"
        case .improved: "improved"
        case .unchanged: "unchanged"
        case .regressed: "regressed"
        case .notReproduced: "not reproduced"
        case .rejected: "rejected"
        }
    }

    public var detail: String? {
        switch self {
        case let .improved(text): "the failure is now: \(text)"
        case let .regressed(tests): "now failing: \(tests.joined(separator: ", "))"
        case let .rejected(reason): reason
        case .notReproduced: "the targeted tests pass without any fix"
        case .unchanged: "the targeted tests fail as before"
        case .fixed: nil
        }
    }

    /// Tests that were skipped before and fail after, other than the targets: what the fix
    /// let run, failing with causes the skip had hidden. They are not regressions (they
    /// did not pass before); they are evidence that another cause depends on this fix.
    public static func unmasked(targets: [String], before: TestRun, after: TestRun, signatures: SignatureMaker) -> [UnmaskedTest] {
        let targeted = Set(targets)
        let wasSkipped = skippedBefore(before)
        return after.cases.filter { !targeted.contains($0.id) && wasSkipped($0) && $0.outcome.isFailure }.compactMap { test in
            guard let failure = test.failure else { return nil }
            return UnmaskedTest(test: test.id, cause: "\(failure.exceptionType): \(failure.message.split(separator: "\n").first.map(String.init) ?? "")",
                                signature: signatures.signature(for: failure).hash)
        }
    }

    /// The file of an id of the form `path:line` (or `path:line#2`); nil otherwise.
    static func locatedFile(_ id: String) -> String? {
        var text = Substring(id)
        if let hash = text.lastIndex(of: "#"), text[text.index(after: hash)...].allSatisfy(\.isNumber) { text = text[..<hash] }
        guard let colon = text.lastIndex(of: ":"), colon > text.startIndex else { return nil }
        let line = text[text.index(after: colon)...]
        guard !line.isEmpty, line.allSatisfy(\.isNumber) else { return nil }
        return String(text[..<colon])
    }

    /// Tests other than the targets that the run skipped and that ran after (passing or
    /// failing): some change let them run.
    public static func unskipped(targets: [String], before: TestRun, after: TestRun) -> [String] {
        let targeted = Set(targets)
        let wasSkipped = skippedBefore(before)
        return after.cases.filter { !targeted.contains($0.id) && wasSkipped($0) && $0.outcome != .skipped }.map(\.id)
    }

    /// Whether a test was skipped in `before`. pytest's -rA names a skip by file and line
    /// ("SKIPPED [1] tests/x.py:10: …"), not by node id: such a stand-in covers the tests
    /// of its file the run did not name.
    static func skippedBefore(_ before: TestRun) -> (TestCase) -> Bool {
        let skipped = Set(before.cases.filter { $0.outcome == .skipped }.map(\.id))
        let known = Set(before.cases.map(\.id))
        let skippedFiles = Set(before.cases.filter { $0.outcome == .skipped && !$0.id.contains("::") }.map(\.file))
        return { test in skipped.contains(test.id) || (!known.contains(test.id) && skippedFiles.contains(test.file)) }
    }

    /// Tests that passed before and fail after.
    static func regressions(before: TestRun, after: TestRun) -> [String] {
        let afterByID = Dictionary(after.cases.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return before.cases.filter { $0.outcome == .passed && afterByID[$0.id]?.outcome.isFailure == true }.map(\.id)
    }

    /// A warning's verdict: it was printed before, is not after, and nothing regressed.
    static func decideWarning(before: TestRun, after: TestRun, signatures: SignatureMaker, cause: Signature) -> (Verdict, [TestChange]) {
        func shows(_ run: TestRun) -> Bool {
            run.warnings.contains { signatures.signature(for: Failure(exceptionType: $0.category, message: $0.message, phase: .warning)).hash == cause.hash }
        }
        guard shows(before) else { return (.notReproduced, []) }
        let regressions = Self.regressions(before: before, after: after)
        if !regressions.isEmpty { return (.regressed(regressions), []) }
        return (shows(after) ? .unchanged : .fixed, [])
    }

    /// Decides the verdict from the runs before and after the fix.
    public static func decide(targets: [String], before: TestRun, after: TestRun, signatures: SignatureMaker, cause: Signature) -> (Verdict, [TestChange]) {
        if targets.isEmpty { return decideWarning(before: before, after: after, signatures: signatures, cause: cause) }
        let beforeByID = Dictionary(before.cases.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let afterByID = Dictionary(after.cases.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var changes: [TestChange] = []
        var failingBefore = 0
        var stillSame = 0
        var changedTo: [String] = []
        // A collection error is named by its file: once the file imports, its tests stand for it.
        var afterByFile: [String: [TestCase]] = [:]
        for testCase in after.cases where testCase.id.contains("::") { afterByFile[testCase.file, default: []].append(testCase) }
        func standIn(for file: String) -> TestCase? {
            if file.hasSuffix("conftest.py") {
                // A conftest that did not load stopped every test under its folder; once it
                // loads, it stands for them: still broken only if they fail with its cause.
                let folder = (file as NSString).deletingLastPathComponent
                let under = after.cases.filter { $0.id.contains("::") && (folder.isEmpty || $0.file.hasPrefix(folder + "/")) }
                guard !under.isEmpty else { return nil }
                return under.first { $0.failure.map { signatures.signature(for: $0).hash == cause.hash } ?? false }
                    ?? under.first { $0.outcome == .passed } ?? under[0]
            }
            guard let tests = afterByFile[file], !tests.isEmpty else { return nil }
            return tests.first { $0.outcome.isFailure } ?? tests[0]
        }
        // A test named by its file and line ("tests/x.py:41", how a log may name a skip):
        // the tests of that file in a run stand for it, the failing or skipped one first.
        func located(_ test: String, in run: TestRun) -> TestCase? {
            guard !test.contains("::"), let file = Self.locatedFile(test) else { return nil }
            let inFile = run.cases.filter { $0.file == file && $0.id.contains("::") }
            return inFile.first { $0.outcome.isFailure } ?? inFile.first { $0.outcome == .skipped } ?? inFile.first
        }
        for test in targets {
            let b = beforeByID[test] ?? located(test, in: before)
            let a = afterByID[test] ?? located(test, in: after) ?? (test.contains("::") ? nil : standIn(for: test))
            let afterText = a?.failure.map { "\($0.exceptionType): \($0.message.split(separator: "\n").first.map(String.init) ?? "")" }
            changes.append(TestChange(test: test, before: b?.outcome, after: a?.outcome, afterFailure: a?.outcome.isFailure == true ? afterText : nil))
            guard let b, b.outcome.isFailure || b.outcome == .skipped else { continue }
            failingBefore += 1
            guard let a else { stillSame += 1; continue }
            if a.outcome.isFailure || a.outcome == .skipped, let failure = a.failure {
                if signatures.signature(for: failure).hash == cause.hash {
                    stillSame += 1
                } else if a.outcome.isFailure || a.skipReason != nil {
                    // Another failure, or a skip that now hides another cause.
                    changedTo.append(afterText ?? failure.exceptionType)
                } else {
                    stillSame += 1
                }
            } else if a.outcome == .skipped {
                stillSame += 1
            }
        }
        if failingBefore == 0 { return (.notReproduced, changes) }
        let regressions = Self.regressions(before: before, after: after)
        if !regressions.isEmpty { return (.regressed(regressions), changes) }
        if stillSame == 0 && changedTo.isEmpty { return (.fixed, changes) }
        if let first = changedTo.first { return (.improved(first), changes) }
        return (.unchanged, changes)
    }
}
