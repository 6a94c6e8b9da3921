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
    public var tests: TestIDs
    public var outcomes: [String: Int]
    public var files: [FileImpact]
    /// The first test that showed it, and its frames.
    public var example: String
    public var frames: [Frame]

    public init(signature: Signature, exceptionType: String, message: String, hint: String?, phases: [Phase], tests: TestIDs,
                outcomes: [String: Int], files: [FileImpact], example: String, frames: [Frame]) {
        self.signature = signature
        self.exceptionType = exceptionType
        self.message = message
        self.hint = hint
        self.phases = phases
        self.tests = tests
        self.outcomes = outcomes
        self.files = files
        self.example = example
        self.frames = frames
    }

    /// Whether the cluster groups skips (by reason) rather than failures.
    public var isSkip: Bool { exceptionType == Failure.skippedType }
    public var callSites: Int { files.reduce(0) { $0 + $1.callSites } }
}

/// What a language pack finds by reading source: the places a root cause is reached from.
public protocol CallSiteScanner: Sendable {
    /// Call sites per file (paths relative to `root`) for each signature's cause, in the
    /// signatures' order; an empty map where the pack cannot tell. Each file is read once.
    func callSites(for signatures: [Signature], files: [String], root: String) -> [[String: Int]]
    /// The test files that import any of the given source files (the guard set of a fix
    /// that touched them), relative to `root`.
    func testFiles(importing paths: [String], root: String) -> [String]
}

extension CallSiteScanner {
    public func testFiles(importing paths: [String], root: String) -> [String] { [] }
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
        accumulate(run).clusters(scanner: scanner, root: root)
    }

    /// The run read into an accumulator: cases, then warnings.
    public func accumulate(_ run: TestRun) -> TriageAccumulator {
        var accumulator = TriageAccumulator(signatures: signatures)
        for testCase in run.cases { accumulator.add(testCase) }
        for warning in run.warnings { accumulator.add(warning) }
        return accumulator
    }
}

/// Reads test cases one at a time — a million of them, streamed from a report — and keeps
/// only what the triage needs: per-file totals and the clusters. Signatures are computed
/// once per distinct message.
public struct TriageAccumulator {
    /// One file's outcomes, in the order files were first seen.
    public private(set) var files: [(path: String, totals: Totals)] = []
    public private(set) var totals = Totals()
    /// A path's byte hash → its slot.
    private var fileHashes = HashIndex(capacity: 64)
    /// Each slot's path hash (a merge looks the other's paths up by them).
    private var fileKeys: [UInt64] = []
    private var builders: [ClusterBuilder] = []
    private var builderIndex: [String: Int] = [:]
    private var signatureCache: [SignatureKey: Signature] = [:]
    /// What a signature depends on: the cache's key.
    private struct SignatureKey: Hashable { var skip: Bool; var exceptionType: String; var firstLine: String }
    private let signatures: SignatureMaker

    public init(signatures: SignatureMaker) { self.signatures = signatures }

    /// A new, empty accumulator with the same signature maker.
    public func emptyCopy() -> TriageAccumulator { TriageAccumulator(signatures: signatures) }

    /// Skipped tests by the reason the run gave, with the causes a probe found behind them.
    public private(set) var skipReasons: [(reason: String, tests: Int, files: [String], hides: [String])] = []
    private var skipIndex: [String: Int] = [:]
    /// The file slots of each skip reason's tests.
    /// (Bits by file slot, one set per reason: slots are small and dense, no hashing needed.)
    private var skipFiles: [[UInt64]] = []
    /// The same slots in the order of `skipReasons[n].files`.
    private var skipFileOrder: [[Int]] = []

    /// A warning the run printed becomes a cluster of its own (phase `warning`).
    public mutating func add(_ warning: TestWarning) {
        let failure = Failure(exceptionType: warning.category, message: warning.message,
                              frames: warning.path.map { [Frame(path: $0, line: warning.line ?? 0)] } ?? [], phase: .warning)
        let signature = signatures.signature(for: failure)
        if builderIndex[signature.hash] == nil {
            builderIndex[signature.hash] = builders.count
            builders.append(ClusterBuilder(signature: signature, failure: failure, message: SignatureMaker.firstLine(warning.message)))
        }
    }

    /// The slot of a file's totals, made on first sight: callers that count many tests of
    /// one file (the streaming reader) look it up once.
    public mutating func fileSlot(_ path: String) -> Int { fileSlot(path, key: JUnitStream.hash(path)) }

    private mutating func fileSlot(_ path: String, key: UInt64) -> Int {
        // Two paths sharing a hash (never seen with 64 bits) fall back to a search.
        if let at = fileHashes.find(key) {
            if files[at].path == path { return at }
            if let other = files.firstIndex(where: { $0.path == path }) { return other }
        }
        fileHashes.insert(key, files.count)
        fileKeys.append(key)
        files.append((path, Totals()))
        return files.count - 1
    }

    /// `count` tests of one file with one outcome.
    public mutating func addOutcome(_ outcome: Outcome, fileSlot: Int, count: Int = 1) {
        totals.add(outcome, count: count)
        files[fileSlot].totals.add(outcome, count: count)
    }

    /// The slot of the cluster a failure (or skip) belongs to, made on first sight; the
    /// signature is computed once per exception type and first line.
    public mutating func clusterSlot(for failure: Failure) -> Int {
        let firstLine = SignatureMaker.firstLine(failure.message)
        let key = SignatureKey(skip: failure.phase == .skip, exceptionType: failure.exceptionType, firstLine: firstLine)
        let signature: Signature
        if let cached = signatureCache[key] {
            signature = cached
        } else {
            signature = signatures.signature(for: failure)
            signatureCache[key] = signature
        }
        if let at = builderIndex[signature.hash] { return at }
        builderIndex[signature.hash] = builders.count
        builders.append(ClusterBuilder(signature: signature, failure: failure, message: firstLine))
        return builders.count - 1
    }

    public mutating func add(_ testCase: TestCase) {
        let slot = fileSlot(testCase.file)
        let failure = testCase.outcome.isFailure || testCase.outcome == .skipped ? testCase.failure : nil
        add(testCase, fileSlot: slot, clusterSlot: failure.map { clusterSlot(for: $0) })
    }

    /// A test whose file and cluster slots the caller already knows.
    public mutating func add(_ testCase: TestCase, fileSlot: Int, clusterSlot: Int?) {
        let failure = testCase.failure
        var reasonSlot: Int? = nil, hidden: String? = nil
        if testCase.outcome == .skipped {
            reasonSlot = skipReasonSlot(testCase.skipReason ?? failure?.message ?? "")
            hidden = testCase.skipReason != nil ? failure.map { "\($0.exceptionType): \($0.message)" } : nil
        }
        addPlaced(id: testCase.id, outcome: testCase.outcome, phase: failure?.phase ?? .call, hint: failure?.hint,
                  fileSlot: fileSlot, clusterSlot: failure == nil ? nil : clusterSlot, skipReasonSlot: reasonSlot, hidden: hidden)
    }

    /// A failing or skipped test whose slots are known (the streaming reader looks them up
    /// once per distinct message), with its failure's phase and hint; for a skip, the cause
    /// a probe found behind it. No `TestCase` is needed.
    public mutating func addPlaced(id: String, outcome: Outcome, phase: Phase, hint: String?,
                                   fileSlot: Int, clusterSlot: Int?, skipReasonSlot: Int?, hidden: String? = nil) {
        addPlaced(writingID: { $0.append(id) }, outcome: outcome, phase: phase, hint: hint, fileSlot: fileSlot, clusterSlot: clusterSlot,
                  skipReasonSlot: skipReasonSlot, hidden: hidden)
    }

    /// The same, the test's id written by `write` into its cluster's ids: a streaming
    /// reader copies it from the report, and no String is made.
    mutating func addPlaced(writingID write: (inout TestIDs) -> Void, outcome: Outcome, phase: Phase, hint: String?,
                            fileSlot: Int, clusterSlot: Int?, skipReasonSlot: Int?, hidden: String? = nil) {
        addOutcome(outcome, fileSlot: fileSlot)
        if let skipReasonSlot {
            skipReasons[skipReasonSlot].tests += 1
            noteSkipFile(reasonSlot: skipReasonSlot, fileSlot: fileSlot)
            if let hidden { noteHidden(reasonSlot: skipReasonSlot, [hidden]) }
        }
        if let clusterSlot { builders[clusterSlot].add(writingID: write, outcome: outcome, phase: phase, hint: hint, fileSlot: fileSlot) }
    }

    /// The slot of a skip reason, made (with no test yet) on first sight.
    public mutating func skipReasonSlot(_ reason: String) -> Int {
        if let at = skipIndex[reason] { return at }
        skipIndex[reason] = skipReasons.count
        skipFiles.append([])
        skipFileOrder.append([])
        skipReasons.append((reason, 0, [], []))
        return skipReasons.count - 1
    }

    /// Adds a file to a skip reason, once.
    private mutating func noteSkipFile(reasonSlot at: Int, fileSlot: Int) {
        let (word, bit) = (fileSlot >> 6, UInt64(1) << UInt64(fileSlot & 63))
        if word >= skipFiles[at].count { skipFiles[at] += repeatElement(0, count: word + 1 - skipFiles[at].count) }
        guard skipFiles[at][word] & bit == 0 else { return }
        skipFiles[at][word] |= bit
        skipReasons[at].files.append(files[fileSlot].path)
        skipFileOrder[at].append(fileSlot)
    }

    /// Adds the causes a probe found behind a skip reason, each once.
    private mutating func noteHidden(reasonSlot at: Int, _ hides: [String]) {
        for hidden in hides where !skipReasons[at].hides.contains(hidden) { skipReasons[at].hides.append(hidden) }
    }

    /// Adds what another accumulator read — the part of a report after this one's — as if
    /// its tests had come here one by one: files, clusters and skip reasons keep the order
    /// they were first seen in, and a test already in a cluster is counted once (when the
    /// clusters are made).
    public mutating func merge(_ other: TriageAccumulator) {
        totals.add(other.totals)
        let fileSlots = zip(other.files, other.fileKeys).map { fileSlot($0.path, key: $1) }
        for (slot, file) in zip(fileSlots, other.files) { files[slot].totals.add(file.totals) }
        // Each of the other's clusters finds (or makes) its place here, then their tests
        // move over on two cores: each cluster here takes one of the other's.
        var targets: [Int] = []
        for builder in other.builders {
            if let at = builderIndex[builder.signature.hash] {
                targets.append(at)
            } else {
                builderIndex[builder.signature.hash] = builders.count
                var adopted = ClusterBuilder(signature: builder.signature, failure: builder.firstFailure, message: builder.message)
                adopted.hint = nil
                targets.append(builders.count)
                builders.append(adopted)
            }
        }
        let sources = other.builders
        builders.withUnsafeMutableBufferPointer { builders in
            TwoWaySplit.forEach(weights: sources.map(\.count), threshold: 4096) { n in
                builders[targets[n]].absorb(sources[n], fileSlots: fileSlots)
            }
        }
        for (n, skip) in other.skipReasons.enumerated() {
            let at = skipReasonSlot(skip.reason)
            skipReasons[at].tests += skip.tests
            for slot in other.skipFileOrder[n] { noteSkipFile(reasonSlot: at, fileSlot: fileSlots[slot]) }
            noteHidden(reasonSlot: at, skip.hides)
        }
    }

    /// The clusters, ranked: failures first by tests affected, then call sites; skips last.
    public func clusters(scanner: (any CallSiteScanner)?, root: String?) -> [Cluster] {
        // Made on two cores when large (a cluster names each of its files).
        var made = [Cluster?](repeating: nil, count: builders.count)
        made.withUnsafeMutableBufferPointer { made in
            TwoWaySplit.forEach(weights: builders.map(\.count), threshold: 4096) { n in made[n] = builders[n].cluster(files: files) }
        }
        var clusters = made.map { $0! }
        if let scanner, let root {
            let failing = clusters.indices.filter { !clusters[$0].isSkip }
            let sites = scanner.callSites(for: failing.map { clusters[$0].signature }, files: files.map(\.path), root: root)
            // A cause no file calls (or whose files are not here) keeps its impacts as they are.
            for (n, index) in failing.enumerated() where n < sites.count && !sites[n].isEmpty {
                let counts = sites[n]
                var impacts = clusters[index].files.map { impact in
                    FileImpact(path: impact.path, tests: impact.tests, callSites: counts[impact.path] ?? 0)
                }
                let listed = Set(impacts.map(\.path))
                for file in counts.keys.sorted() where !listed.contains(file) && counts[file]! > 0 {
                    impacts.append(FileImpact(path: file, tests: 0, callSites: counts[file]!))
                }
                clusters[index].files = impacts
            }
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

/// A cluster being built, changed in place (in the accumulator's array) as its tests
/// arrive; files are the accumulator's slots. A struct, so that the many small updates per
/// test need no run-time exclusivity checks.
struct ClusterBuilder {
    let signature: Signature
    let exceptionType: String
    let message: String
    let firstFailure: Failure
    var hint: String?
    var phases: [Phase]
    /// The tests as they came, and their ids (the same positions). A test reported twice
    /// (by a log, or by two parts of a report) is counted once, its first time, when the
    /// cluster is made: looking each id up as it came cost a table lookup per failing test.
    var entries: [Entry] = []
    var ids = TestIDs()
    var outcomes = [Int](repeating: 0, count: Outcome.allCases.count)
    let frames: [Frame]

    /// One test: its id's hash, its file's slot, outcome and phase.
    struct Entry {
        var hash: UInt64
        var file: Int32
        var outcome: Outcome
        var phase: Phase
    }

    /// How many tests came (a repeated one as often as it came).
    var count: Int { entries.count }

    init(signature: Signature, failure: Failure, message: String) {
        self.signature = signature
        exceptionType = failure.exceptionType
        self.message = message
        firstFailure = failure
        hint = failure.hint
        phases = [failure.phase]
        frames = failure.frames
    }

    /// A test whose id `write` adds to `ids`.
    mutating func add(writingID write: (inout TestIDs) -> Void, outcome: Outcome, phase: Phase, hint: String?, fileSlot: Int) {
        write(&ids)
        entries.append(Entry(hash: ids.hash(ids.count - 1), file: Int32(truncatingIfNeeded: fileSlot), outcome: outcome, phase: phase))
        outcomes[outcome.index] += 1
        if !phases.contains(phase) { phases.append(phase) }
        if self.hint == nil { self.hint = hint }
    }

    /// Adds another builder's tests after this one's, its file slots mapped to this one's.
    mutating func absorb(_ other: ClusterBuilder, fileSlots: [Int]) {
        entries.reserveCapacity(entries.count + other.entries.count)
        ids.append(contentsOf: other.ids)
        for var entry in other.entries {
            entry.file = Int32(truncatingIfNeeded: fileSlots[Int(entry.file)])
            entries.append(entry)
        }
        for (n, count) in other.outcomes.enumerated() { outcomes[n] += count }
        for phase in other.phases where !phases.contains(phase) { phases.append(phase) }
        if hint == nil { hint = other.hint }
    }

    /// The positions of the tests each once, the first time they came; nil when none
    /// came twice.
    private func firstTimes() -> [Int]? {
        var seen = HashIndex(capacity: entries.count)
        var kept: [Int] = []
        kept.reserveCapacity(entries.count)
        for at in entries.indices {
            if let known = seen.insertIfAbsent(entries[at].hash, at) {
                // Two ids with one hash are two tests; the same id seen before is a repeat.
                let hash = entries[at].hash
                if ids.same(known, at) || entries[..<at].indices.contains(where: { entries[$0].hash == hash && ids.same($0, at) }) { continue }
            }
            kept.append(at)
        }
        // (Kept as they are checked: removing each repeat from a full list cost a move of
        // the list's tail per repeat, quadratic when a report is given twice.)
        return kept.count < entries.count ? kept : nil
    }

    func cluster(files: [(path: String, totals: Totals)]) -> Cluster {
        var entries = self.entries, ids = self.ids, outcomes = self.outcomes, phases = self.phases
        if let kept = firstTimes() {
            // Counted again without the repeats.
            entries = kept.map { self.entries[$0] }
            ids = self.ids.selecting(kept)
            outcomes = [Int](repeating: 0, count: Outcome.allCases.count)
            phases = [firstFailure.phase]
            for entry in entries {
                outcomes[entry.outcome.index] += 1
                if !phases.contains(entry.phase) { phases.append(entry.phase) }
            }
        }
        var counts: [String: Int] = [:]
        for (n, outcome) in Outcome.allCases.enumerated() where outcomes[n] > 0 { counts[outcome.rawValue] = outcomes[n] }
        return Cluster(signature: signature, exceptionType: exceptionType, message: message, hint: hint, phases: phases, tests: ids,
                       outcomes: counts, files: Self.fileImpacts(entries, files: files), example: ids.first ?? "", frames: frames)
    }

    /// Each file's tests, files in the order their first test came: counted here, once,
    /// from the tests' file slots (a place per slot in a flat array) rather than looked up
    /// in a table per test as the tests arrive.
    private static func fileImpacts(_ entries: [Entry], files: [(path: String, totals: Totals)]) -> [FileImpact] {
        var impacts: [FileImpact] = []
        // Slot → its place in `impacts` + 1 (0: not yet).
        var place = [Int32](repeating: 0, count: files.count)
        for at in entries.indices {
            let slot = Int(entries[at].file)
            let at = Int(place[slot])
            if at > 0 {
                impacts[at - 1].tests += 1
            } else {
                impacts.append(FileImpact(path: files[slot].path, tests: 1, callSites: 0))
                place[slot] = Int32(truncatingIfNeeded: impacts.count)
            }
        }
        return impacts
    }
}

extension Outcome {
    /// The position in `allCases`, without building the array.
    var index: Int {
        switch self {
        case .passed: 0
        case .failed: 1
        case .error: 2
        case .skipped: 3
        case .xfailed: 4
        case .xpassed: 5
        }
    }
}
