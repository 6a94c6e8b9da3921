/// How one test ended, as pytest and JUnit report it.
public enum Outcome: String, Codable, Sendable, CaseIterable, Comparable {
    case passed, failed, error, skipped, xfailed, xpassed

    /// Whether the outcome counts as a failure to repair.
    public var isFailure: Bool { self == .failed || self == .error }

    public static func < (lhs: Outcome, rhs: Outcome) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

extension Outcome {
    /// The outcome a JUnit `<failure>`, `<error>` or `<skipped>` child stands for (pytest
    /// marks an expected failure as a skip of type `pytest.xfail`). When a test case holds
    /// several, the first decides: both JUnit readers follow this.
    public static func junit(tag: String, type: String?) -> Outcome {
        switch tag {
        case "skipped": type == "pytest.xfail" ? .xfailed : .skipped
        case "error": .error
        default: .failed
        }
    }
}

/// Where in a test's life a failure happened.
public enum Phase: String, Codable, Sendable, CaseIterable {
    case collection, setup, call, teardown, warning, skip
}

/// One traceback frame: a place in the source and the line found there.
public struct Frame: Codable, Sendable, Hashable {
    public var path: String
    public var line: Int
    public var function: String?
    public var source: String?

    public init(path: String, line: Int, function: String? = nil, source: String? = nil) {
        self.path = path
        self.line = line
        self.function = function
        self.source = source
    }
}

/// Why a test did not pass: the exception, its message, the optional "Did you mean" hint
/// kept apart from the message, the traceback frames, and the phase it happened in.
/// Skips use the same shape: exception type `Skipped`, the reason as message.
public struct Failure: Codable, Sendable, Hashable {
    public var exceptionType: String
    public var message: String
    public var hint: String?
    public var frames: [Frame]
    public var phase: Phase

    public init(exceptionType: String, message: String, hint: String? = nil, frames: [Frame] = [], phase: Phase) {
        self.exceptionType = exceptionType
        self.message = message
        self.hint = hint
        self.frames = frames
        self.phase = phase
    }

    /// The exception type a skip carries.
    public static let skippedType = "Skipped"
}

/// One test as a run reported it.
public struct TestCase: Codable, Sendable, Hashable {
    /// The test's id as its runner names it (for pytest: the node id).
    public var id: String
    /// The test's file, relative to the repository root.
    public var file: String
    public var outcome: Outcome
    /// The failure, error or skip reason; nil for a passing test.
    public var failure: Failure?
    public var duration: Double?
    /// For a skip whose hidden cause a probe revealed: the reason the run gave.
    public var skipReason: String?

    public init(id: String, file: String, outcome: Outcome, failure: Failure? = nil, duration: Double? = nil, skipReason: String? = nil) {
        self.id = id
        self.file = file
        self.outcome = outcome
        self.failure = failure
        self.duration = duration
        self.skipReason = skipReason
    }
}

/// A warning a run printed (pytest's warnings summary).
public struct TestWarning: Codable, Sendable, Hashable {
    public var category: String
    public var message: String
    public var path: String?
    public var line: Int?

    public init(category: String, message: String, path: String? = nil, line: Int? = nil) {
        self.category = category
        self.message = message
        self.path = path
        self.line = line
    }
}

/// Counts of a run's outcomes.
public struct Totals: Codable, Sendable, Hashable {
    public var total = 0, passed = 0, failed = 0, errors = 0, skipped = 0, xfailed = 0, xpassed = 0

    public init() {}

    public init<S: Sequence>(_ cases: S) where S.Element == TestCase {
        for testCase in cases { add(testCase.outcome) }
    }

    public mutating func add(_ outcome: Outcome, count: Int = 1) {
        total += count
        switch outcome {
        case .passed: passed += count
        case .failed: failed += count
        case .error: errors += count
        case .skipped: skipped += count
        case .xfailed: xfailed += count
        case .xpassed: xpassed += count
        }
    }

    public mutating func add(_ other: Totals) {
        total += other.total; passed += other.passed; failed += other.failed; errors += other.errors
        skipped += other.skipped; xfailed += other.xfailed; xpassed += other.xpassed
    }

    /// Tests that ran (not skipped, not expected to fail).
    public var executed: Int { total - skipped - xfailed }
}

/// Everything read from one or more logs of a test run.
public struct TestRun: Codable, Sendable {
    public var cases: [TestCase]
    public var warnings: [TestWarning]
    /// The logs the run was read from.
    public var sources: [String]
    /// What reading skipped or doubted, for the user (never fatal).
    public var diagnostics: [String]

    public init(cases: [TestCase] = [], warnings: [TestWarning] = [], sources: [String] = [], diagnostics: [String] = []) {
        self.cases = cases
        self.warnings = warnings
        self.sources = sources
        self.diagnostics = diagnostics
    }

    public var totals: Totals { Totals(cases) }

    /// Adds another log's reading: a test seen twice keeps its first record, completed
    /// with what the second knows (a hint, frames) and never downgraded.
    public mutating func merge(_ other: TestRun) {
        var index = Dictionary(cases.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        for testCase in other.cases {
            if let at = index[testCase.id] {
                var existing = cases[at]
                if existing.failure == nil, testCase.failure != nil, testCase.outcome != .passed {
                    existing = testCase
                } else if var failure = existing.failure, let extra = testCase.failure {
                    if failure.hint == nil { failure.hint = extra.hint }
                    if failure.frames.isEmpty { failure.frames = extra.frames }
                    existing.failure = failure
                }
                cases[at] = existing
            } else {
                index[testCase.id] = cases.count
                cases.append(testCase)
            }
        }
        for warning in other.warnings where !warnings.contains(warning) { warnings.append(warning) }
        sources += other.sources
        diagnostics += other.diagnostics
    }
}
