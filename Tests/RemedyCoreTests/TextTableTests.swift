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
}
