import Testing
import Foundation
@testable import RemedyCore

@Suite struct TextTableTests {
    /// Columns as wide as their widest cell (a non-ASCII cell counted in characters), two
    /// blanks apart, numbers padded on the left, and no blank at the end of any line.
    @Test func alignsColumnsAndLeavesNoTrailingBlanks() {
        let table = TextTable.render(["File", "Total", "Status"], [["tests/é.py", "7", "failing"], ["t.py", "123", ""], ["", "", ""]],
                                     rightAligned: [1], indent: "  ")
        #expect(table == """
              File        Total  Status
              tests/é.py      7  failing
              t.py          123
            """ + "\n")
    }

    @Test func ratesReadAsPrintfWouldWriteThem() {
        for value in [0, 0.1, 9.9, 21.1, 70.0, 72.7, 91.7, 99.95, 100, 33.3] {
            #expect(TriageReport.rate(value) == String(format: "%.1f%%", value), "\(value)")
        }
    }

    /// The files a cause lists: the head of a stable sort by tests, then call sites.
    @Test func hardestHitFilesAreTheHeadOfAStableSort() {
        for count in [0, 3, 10, 11, 40, 400] {
            // Many ties, in no order: tests 0-4 and call sites 0-2 scattered.
            let files = (0..<count).map { FileImpact(path: "f\($0).py", tests: ($0 * 7 + $0 / 13) % 5, callSites: ($0 * 5 + $0 / 7) % 3) }
            let sorted = files.sorted { ($0.tests, $0.callSites) > ($1.tests, $1.callSites) }
            #expect(TriageReport.hardestHit(files) == Array(sorted.prefix(TriageReport.filesShown)), "\(count) files")
        }
    }

    /// The report's suite table, written from the numbers, reads as TextTable lays it out.
    @Test func suiteTableIsTextTablesLayout() {
        func totals(_ outcomes: [(Outcome, Int)]) -> Totals {
            var totals = Totals()
            for (outcome, count) in outcomes { totals.add(outcome, count: count) }
            return totals
        }
        let files: [(path: String, totals: Totals)] = [
            ("tests/é_unicode.py", totals([(.passed, 3), (.failed, 8), (.skipped, 1)])),
            ("t.py", totals([(.passed, 1234567)])),
            ("tests/integration/test_long_name_for_a_file.py", totals([(.skipped, 2)])),
        ]
        var all = Totals()
        for file in files { all.add(file.totals) }
        let report = TriageReport(sources: ["x"], totals: all, files: files, skipReasons: [], clusters: [], findings: [], warnings: [], diagnostics: [])
        var rows = report.suites.map { [$0.file, "\($0.total)", "\($0.passed)", "\($0.failed)", "\($0.errors)", "\($0.skipped)", $0.status] }
        rows.append(["TOTAL", "\(all.total)", "\(all.passed + all.xpassed)", "\(all.failed)", "\(all.errors)", "\(all.skipped + all.xfailed)", ""])
        let expected = TextTable.render(["File", "Total", "Passed", "Failed", "Errors", "Skipped", "Status"], rows, rightAligned: [1, 2, 3, 4, 5])
        #expect(report.suiteTable() == expected)
        #expect(expected.contains("all skipped") && !expected.contains(" \n"))
    }
}
