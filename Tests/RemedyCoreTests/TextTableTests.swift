import Testing
import RemedyCore

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
}
