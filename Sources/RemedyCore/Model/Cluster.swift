/// How one file is touched by a root cause: its tests that fail with it, and the places in
/// it that call into the cause (found by a static scan, so skipped tests count too).
public struct FileImpact: Codable, Sendable, Hashable {
    public var path: String
    public var tests: Int
    public var callSites: Int

    public init(path: String, tests: Int, callSites: Int) {
        self.path = path
        self.tests = tests
        self.callSites = callSites
    }
}

/// One root cause: a signature, the tests that show it, and the files it reaches.
public struct Cluster: Codable, Sendable {
    public var signature: Signature
    public var exceptionType: String
    /// The exact message of the first test that showed it (first line, hint apart).
    public var message: String
    public var hint: String?
    public var phases: [Phase]
    /// Test ids, in the order the run listed them.
    public var tests: [String]
    public var outcomes: [String: Int]
    public var files: [FileImpact]
    /// The first test that showed it, and its frames.
    public var example: String
    public var frames: [Frame]

    /// Whether the cluster groups skips (by reason) rather than failures.
    public var isSkip: Bool { exceptionType == Failure.skippedType }
    public var callSites: Int { files.reduce(0) { $0 + $1.callSites } }
}

/// What a language pack finds by reading source: the places a root cause is reached from.
public protocol CallSiteScanner: Sendable {
    /// Call sites per file (paths relative to `root`) for the cause a signature names; an
    /// empty result when the pack cannot tell.
    func callSites(for signature: Signature, files: [String], root: String) -> [String: Int]
}

/// Groups a run's failures and skips by signature and ranks the causes by impact.
public struct Triage: Sendable {
    public var signatures: SignatureMaker
    public var scanner: (any CallSiteScanner)?
    /// The repository root for the static scan; nil skips it.
    public var root: String?

    public init(signatures: SignatureMaker, scanner: (any CallSiteScanner)? = nil, root: String? = nil) {
        self.signatures = signatures
        self.scanner = scanner
        self.root = root
    }

    /// Failure clusters first (ranked by tests affected, then call sites), then skip clusters.
    public func clusters(of run: TestRun) -> [Cluster] {
        var order: [String] = []
        var byHash: [String: Cluster] = [:]
        for testCase in run.cases {
            guard testCase.outcome.isFailure || testCase.outcome == .skipped, let failure = testCase.failure else { continue }
            let signature = signatures.signature(for: failure)
            if var cluster = byHash[signature.hash] {
                if !cluster.tests.contains(testCase.id) { cluster.tests.append(testCase.id) }
                cluster.outcomes[testCase.outcome.rawValue, default: 0] += 1
                if !cluster.phases.contains(failure.phase) { cluster.phases.append(failure.phase) }
                if cluster.hint == nil { cluster.hint = failure.hint }
                byHash[signature.hash] = cluster
            } else {
                order.append(signature.hash)
                let firstLine = failure.message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                byHash[signature.hash] = Cluster(
                    signature: signature, exceptionType: failure.exceptionType, message: firstLine, hint: failure.hint,
                    phases: [failure.phase], tests: [testCase.id], outcomes: [testCase.outcome.rawValue: 1],
                    files: [], example: testCase.id, frames: failure.frames)
            }
        }
        let fileOf = Dictionary(run.cases.map { ($0.id, $0.file) }, uniquingKeysWith: { a, _ in a })
        var allFiles: [String] = []
        for testCase in run.cases where !allFiles.contains(testCase.file) { allFiles.append(testCase.file) }
        var clusters = order.map { byHash[$0]! }
        for index in clusters.indices {
            var testsPerFile: [String: Int] = [:]
            var fileOrder: [String] = []
            for test in clusters[index].tests {
                let file = fileOf[test] ?? ""
                if testsPerFile[file] == nil { fileOrder.append(file) }
                testsPerFile[file, default: 0] += 1
            }
            var sites: [String: Int] = [:]
            if let scanner, let root, !clusters[index].isSkip {
                sites = scanner.callSites(for: clusters[index].signature, files: allFiles, root: root)
            }
            for file in sites.keys.sorted() where testsPerFile[file] == nil && sites[file]! > 0 { fileOrder.append(file) }
            clusters[index].files = fileOrder.map { FileImpact(path: $0, tests: testsPerFile[$0] ?? 0, callSites: sites[$0] ?? 0) }
        }
        return clusters.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.isSkip != y.isSkip { return !x.isSkip }
            if x.tests.count != y.tests.count { return x.tests.count > y.tests.count }
            if x.callSites != y.callSites { return x.callSites > y.callSites }
            return a.offset < b.offset
        }.map(\.element)
    }
}
