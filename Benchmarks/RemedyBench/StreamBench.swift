import Foundation
import RemedyCore
import RemedyPython

/// `remedy-bench stream REPORT [RUNS]`: the phases of `remedy triage` on one JUnit report,
/// timed in one process (no start-up, no output), each the best of RUNS: the streamed
/// read (and, apart, the same read by one reader), the skipped tests' clusters, the
/// clusters with call sites, and the text report.
/// For finding where triage time goes; `Benchmarks/bench.py` holds the whole command
/// against the baseline.
func streamBenchmark(_ arguments: [String]) throws {
    guard let path = arguments.first, let file = MappedFile(path: path) else {
        FileHandle.standardError.write(Data("usage: remedy-bench stream REPORT [RUNS]\n".utf8))
        exit(2)
    }
    let runs = arguments.dropFirst().first.flatMap { Int($0) } ?? 10
    var best: [String: Double] = [:]
    var first: [String: Double] = [:]
    var order: [String] = []
    func lap(_ name: String, _ start: inout ContinuousClock.Instant) {
        let now = ContinuousClock.now
        let seconds = (now - start).seconds
        if best[name] == nil { order.append(name) }
        best[name] = min(best[name] ?? .infinity, seconds)
        if first[name] == nil { first[name] = seconds }
        start = now
    }
    var summary = ""
    for _ in 0..<runs {
        let pack = PythonPack(root: "/nonexistent")
        var start = ContinuousClock.now
        let begin = start
        var accumulator = TriageAccumulator(signatures: pack.signatureMaker)
        let leftover = file.withBytes { JUnitStream(dialect: pack.dialect).stream(buffer: $0, source: path, into: &accumulator, holdSkips: false) }
        lap("stream", &start)
        for testCase in leftover.skipped { accumulator.add(testCase) }
        lap("skips", &start)
        let clusters = accumulator.clusters(scanner: pack.scanner, root: "/nonexistent")
        lap("clusters", &start)
        let report = TriageReport(sources: [path], totals: accumulator.totals, files: accumulator.files, skipReasons: accumulator.skipReasons,
                                  clusters: clusters, findings: [], warnings: [], diagnostics: leftover.diagnostics)
        let text = try report.render(.text, style: Style(color: false))
        lap("render", &start)
        var total = begin
        lap("total", &total)
        // The same report read by one reader (into an accumulator of its own; not in "total").
        var oneReader = JUnitStream(dialect: PythonPack(root: "/nonexistent").dialect)
        oneReader.parallelThreshold = .max
        var alone = TriageAccumulator(signatures: pack.signatureMaker)
        var aloneStart = ContinuousClock.now
        _ = file.withBytes { oneReader.stream(buffer: $0, source: path, into: &alone, holdSkips: false) }
        lap("1 reader", &aloneStart)
        summary = "\(accumulator.totals.total) tests, \(clusters.count) clusters, \(text.utf8.count) bytes of report"
    }
    print("stream phases of \(path) (\(summary)), best of \(runs) and the first run:")
    for name in order {
        print(String(format: "  %@ %7.2f ms  %7.2f ms", name.padding(toLength: 9, withPad: " ", startingAt: 0) as NSString, best[name]! * 1000, first[name]! * 1000))
    }
}
