import ArgumentParser
import CMalloc
import Foundation
import RemedyCore
import RemedyPython

/// `remedy triage LOG...`: the seed-style report of one or more logs.
struct TriageCommand: InPlaceCommand {
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

    func runHere() async throws {
        let root = PathText.standardized(repo)
        let pack = PythonPack(root: root)
        // JUnit reports — one, or several merged into one run — are streamed, not built.
        let reports = logs.map { try? readJUnit($0, pack: pack) }
        if reports.allSatisfy({ $0 != nil }) {
            try await streamed(zip(logs, reports).map { ($0, $1!) }, pack: pack, root: root)
            return
        }
        let testRun = await probe.reveal(try pack.logReader.read(paths: logs), pack: pack, root: root)
        let clusters = Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: root).clusters(of: testRun)
        let rules = try common.loadRules(pack: pack, configuration: RemedyConfiguration.load(repository: root))
        let findings = RuleMatcher(rules: rules, root: root).findings(for: clusters)
        let report = TriageReport(run: testRun, clusters: clusters, findings: findings, signatures: pack.signatureMaker)
        Console.output(try report.render(common.format, style: .forStandardOutput()))
    }

    /// The log, mapped, when it is one JUnit report (a large one is streamed, not built).
    private func readJUnit(_ path: String, pack: PythonPack) throws -> MappedFile? {
        guard path != "-", let file = MappedFile(path: path) else { return nil }
        let head = file.withBytes { Array($0.prefix(65536)) }
        guard (try? pack.logReader.detect(bytes: head, source: path)) == .junit else { return nil }
        // A report that is not JUnit at its root gets LogReader's error.
        guard XMLScanner.find(Array("<testsuite".utf8), in: Array(head.prefix(4096)), from: 0) != nil else { return nil }
        return file
    }

    /// Triage of JUnit reports, streamed into one run: passing tests are only counted, and
    /// each mapped file's pages are given back as the reading moves on.
    private func streamed(_ reports: [(source: String, file: MappedFile)], pack: PythonPack, root: String) async throws {
        // While the reports stream the heap grows in large steps and is not given back, and
        // large arrays come from it rather than from mappings of their own: each growth,
        // trim or unmapping is a system call that makes the other core's page faults wait,
        // or flushes its TLB. Pages reserved and never touched cost nothing; the process
        // ends when the report is written.
        mallopt(M_TOP_PAD, 16 << 20)
        mallopt(M_TRIM_THRESHOLD, 256 << 20)
        mallopt(M_MMAP_THRESHOLD, 32 << 20)
        // The shipped rules come compiled (`ShippedRules`) and are made after the reports
        // stream, at once. A user's folders (YAML to read) load on another core while the
        // reports stream — only then: with one core free the task ran only once awaited,
        // and the wait took what else was queued with it.
        let common = self.common
        let configuration = try RemedyConfiguration.load(repository: root)
        let loading = common.playbooks.isEmpty && configuration.playbooks.isEmpty
            ? nil : Task.detached { try common.loadRules(pack: pack, configuration: configuration) }
        var accumulator = TriageAccumulator(signatures: pack.signatureMaker)
        var skippedCases: [TestCase] = []
        var diagnostics: [String] = []
        for (source, file) in reports {
            let leftover = file.withBytes { bytes in
                var stream = JUnitStream(dialect: pack.dialect)
                // Each reading thread's heap grown once: a block taken and given back stays
                // with the thread's arena (not trimmed, see above).
                stream.prepareReader = { TriageCommand.prepareHeap() }
                return stream.stream(buffer: bytes, source: source, into: &accumulator, holdSkips: !probe.noProbe, release: file.release)
            }
            skippedCases += leftover.skipped
            diagnostics += leftover.diagnostics
            // On another core, while this one goes on; with one core, or for a small report
            // (under 1 MB), the ending process gives the pages back for less than a thread costs.
            if file.count >= 1 << 20, UsableCores.count > 1 || reports.count > 1 { file.releaseInBackground() }
        }
        let skipped = await probe.reveal(TestRun(cases: skippedCases), pack: pack, root: root)
        for testCase in skipped.cases { accumulator.add(testCase) }
        let clusters = accumulator.clusters(scanner: pack.scanner, root: root)
        let findings = RuleMatcher(rules: try await loading?.value ?? common.loadRules(pack: pack, configuration: configuration), root: root).findings(for: clusters)
        let report = TriageReport(sources: reports.map(\.source), totals: accumulator.totals, files: accumulator.files, skipReasons: accumulator.skipReasons,
                                  clusters: clusters, findings: findings, warnings: [], diagnostics: diagnostics + skipped.diagnostics)
        Console.output(try report.render(common.format, style: .forStandardOutput()))
        // The process ends here: freeing what a large report left (a test id per failure,
        // the mapping) would take longer than the system takes to reclaim it. Everything is
        // written (write(2), unbuffered) and nothing here waits on exit handlers: `_exit`
        // skips the runtime's and libraries' (0.2 ms, 3% of a 20-test triage).
        _exit(0)
    }

    /// The threads whose heap `prepareHeap` has grown (the main thread and a second reader
    /// per large report: a list; a Set's first use has the runtime look up `pthread_t`'s
    /// conformances, 0.4M instructions).
    private static let preparedLock = NSLock()
    nonisolated(unsafe) private static var prepared: [pthread_t] = []

    /// Grows the calling thread's C heap by 16 MB in one step, in huge pages: a reading
    /// thread's heap grew by a system call per allocation past its top (241 in a read of
    /// the 100,000-test report), and in 4 KB pages it took a fault per page.
    ///
    /// The heap's first 2 MB page is already in 4 KB pages (the heap's header is there) and
    /// so is any 2 MB page a block header was written in before the advice: so the block
    /// is placed to start exactly on a 2 MB boundary (its header just below it), what lies
    /// before it taken and kept, never touched (virtual memory only). Allocations then come
    /// from the boundary on. Best effort: if the heap hands out memory otherwise, only the
    /// huge pages are lost. Once per thread: the main thread reads every report, but each
    /// large report's second reader is a thread of its own (`TwoCores`), which glibc gives
    /// the heap a finished reader left, and which grows it again (a triage of eight copies
    /// of the 100,000-test report peaked at 68 MB, against 61 MB when Dispatch's one worker
    /// read them all).
    static func prepareHeap() {
        let thread = pthread_self()
        guard preparedLock.withLock({ () -> Bool in
            if prepared.contains(thread) { return false }
            prepared.append(thread)
            return true
        }) else { return }
        let size = 16 << 20, huge = 2 << 20, header = 16
        // Where the heap's top is: just past a block taken from it (none free is this large).
        guard let first = malloc(1 << 20) else { return }
        let top = Int(bitPattern: first) + malloc_usable_size(first) - 8
        // A block of the size that ends where the next one must start (its header below the boundary).
        var boundary = (top + huge - 1) / huge * huge
        if boundary - header - top < 32 { boundary += huge }
        _ = malloc_usable_size(malloc(boundary - header - top - 8))
        guard let block = malloc(size) else { return }
        // Its 2 MB pages become huge pages when first touched: one fault for each rather than 512.
        let start = Int(bitPattern: block) / huge * huge, end = (Int(bitPattern: block) + size) / huge * huge
        if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        free(block)
    }
}
