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
}
