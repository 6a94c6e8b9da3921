import Testing
@testable import RemedyCore

/// How a report's test cases are shared out between two readers, step by step: the parts
/// laid out first, claims a step at a time, and the back half of the largest unclaimed
/// remainder taken by a reader with nothing left, cut where a test case starts.
@Suite struct ReadingShareTests {
    /// Cuts anywhere on a multiple of 10 (where "test cases" start in this made-up report).
    let cut = { (from: Int, before: Int) -> Int? in
        let at = (from + 9) / 10 * 10
        return at < before ? at : nil
    }

    @Test func aReaderWithNothingLeftTakesHalfOfWhatIsUnclaimed() throws {
        let share = ReadingShare(starts: [0], count: 1000, step: 100, smallest: 200, cut: cut)
        let first = try #require(share.take())
        #expect(first.index == 0 && first.range == 0..<1000)
        #expect(share.claim(0, from: 0) == 100)
        #expect(share.claim(0, from: 95) == 195)
        // The second reader takes the back half of 195..<1000, cut at a test case.
        let second = try #require(share.take())
        #expect(second.index == 1 && second.range == 600..<1000)
        #expect(share.claim(0, from: 195) == 295)
        #expect(share.claim(0, from: 590) == 600)
        #expect(share.claim(0, from: 600) == nil)
        // The first is done; 600..<1000 is the second's, which has claimed up to 700.
        #expect(share.claim(1, from: 600) == 700)
        let third = try #require(share.take())
        #expect(third.index == 2 && third.range == 850..<1000)
        #expect(share.claim(1, from: 840) == 850)
        #expect(share.claim(1, from: 850) == nil)
        // 850..<1000, 150 bytes unclaimed at most: less than the smallest worth taking.
        #expect(share.claim(2, from: 850) == 950)
        #expect(share.take() == nil)
        #expect(share.count == 3)
    }

    @Test func fixedPartsAreTakenInOrderAndNeverSplit() throws {
        let share = ReadingShare(starts: [0, 300, 700], count: 1000, step: 1000, smallest: nil, cut: cut)
        #expect(share.take()?.range == 0..<300)
        #expect(share.take()?.range == 300..<700)
        #expect(share.claim(1, from: 300) == 700)
        #expect(share.take()?.range == 700..<1000)
        #expect(share.take() == nil)
        #expect(share.claim(0, from: 300) == nil)
    }

    @Test func nothingIsTakenWhereNoTestCaseStarts() {
        let share = ReadingShare(starts: [0], count: 1000, step: 10, smallest: 100, cut: { _, _ in nil })
        #expect(share.take()?.range == 0..<1000)
        #expect(share.take() == nil)
    }
}
