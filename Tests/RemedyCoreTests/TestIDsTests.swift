import Foundation
import Testing
@testable import RemedyCore

@Suite struct TestIDsTests {
    let ids = ["tests/test_a.py::TestA::test_one", "", "tests/t.py::test_ünï[a&b]", "tests/test_a.py::TestA::test_one"]

    @Test func readsBackWhatWasAppended() {
        var list = TestIDs(ids.prefix(2))
        list.append(contentsOf: TestIDs(ids.dropFirst(2)))
        #expect(Array(list) == ids)
        #expect(list.count == 4 && list[1] == "" && list.last == ids[3])
        #expect(list == TestIDs(ids))
        #expect(list != TestIDs(ids.reversed()))
        // The same characters split differently are other ids.
        #expect(TestIDs(["ab", "c"]) != TestIDs(["a", "bc"]))
        #expect(list.description == ids.description)
    }

    @Test func writtenIdsAreLikeAppendedOnes() {
        var list = TestIDs()
        for id in ids {
            var id = id
            id.withUTF8 { list.write($0) }
            list.endID()
        }
        #expect(list == TestIDs(ids))
    }

    @Test func hashesAndComparesByBytes() {
        let list = TestIDs(ids)
        for (n, id) in ids.enumerated() { #expect(list.hash(n) == JUnitStream.hash(id)) }
        #expect(list.same(0, 3) && !list.same(0, 2) && !list.same(1, 2))
        #expect(Array(list.selecting([3, 1])) == [ids[3], ids[1]])
    }

    @Test func encodesAsAListOfStrings() throws {
        let list = TestIDs(ids)
        #expect(try JSONEncoder().encode(list) == JSONEncoder().encode(ids))
        #expect(try JSONDecoder().decode(TestIDs.self, from: JSONEncoder().encode(ids)) == list)
    }
}
