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

    /// A made-up clock for `ReadingShare.Patience`: a pause is 100 ns, and may let the other
    /// reader claim (`whilePaused`).
    final class Clock: @unchecked Sendable {
        var now: UInt64 = 0
        var pauses = 0
        var whilePaused: (Int) -> Void = { _ in }
        var patience: ReadingShare.Patience {
            ReadingShare.Patience(stall: 300, clock: { self.now }, pause: { self.now += 100; self.pauses += 1; self.whilePaused(self.pauses) })
        }
    }

    /// Two readers with 0..<550 and 550..<1000; the first done, the second with 850..<1000
    /// unclaimed (less than the smallest worth splitting), last claimed at 0.
    func twoReadersOneDone(_ clock: Clock) throws -> ReadingShare {
        let share = ReadingShare(starts: [0], count: 1000, step: 100, smallest: 200, patience: clock.patience, cut: cut)
        #expect(try #require(share.take()).range == 0..<1000)
        #expect(share.claim(0, from: 0) == 100)
        #expect(try #require(share.take()).range == 550..<1000)
        #expect(share.claim(0, from: 540) == 550)
        #expect(share.claim(0, from: 550) == nil)
        share.finish(0)
        #expect(share.claim(1, from: 550) == 650)
        #expect(share.claim(1, from: 750) == 850)
        return share
    }

    @Test func aWaitingReaderTakesAllThatAStalledOneHasNotClaimed() throws {
        let clock = Clock()
        let share = try twoReadersOneDone(clock)
        // Nothing claimed for more than 300: the rest, cut where a test case starts.
        let taken = try #require(share.take())
        #expect(taken.index == 2 && taken.range == 850..<1000)
        #expect(clock.now == 400 && clock.pauses == 4)
        // The stalled reader stops at the cut once it goes on.
        #expect(share.claim(1, from: 850) == nil)
    }

    @Test func aWaitingReaderStopsOnceTheOtherHasClaimedAll() throws {
        let clock = Clock()
        let share = try twoReadersOneDone(clock)
        // The other reader claims its last bytes while the first waits (before it stalls).
        clock.whilePaused = { pauses in if pauses == 2 { _ = share.claim(1, from: 950) } }
        #expect(share.take() == nil)
        #expect(clock.pauses == 2)
        #expect(share.count == 2)
    }

    @Test func aFinishedPartIsNotWaitedFor() throws {
        let clock = Clock()
        let share = try twoReadersOneDone(clock)
        // Its reader stopped early (the report is cut off there): nothing to wait for.
        share.finish(1)
        #expect(share.take() == nil)
        #expect(clock.pauses == 0)
    }

    @Test func aStalledRemainderWithNoTestCaseIsLeftToItsReader() throws {
        let clock = Clock()
        let share = ReadingShare(starts: [0], count: 1000, step: 100, smallest: 200, patience: clock.patience, cut: { _, _ in nil })
        #expect(share.take()?.range == 0..<1000)
        #expect(share.claim(0, from: 0) == 100)
        // The second reader waits, finds no place to cut the stalled remainder, and waits on
        // (without looking again) until the first claims all.
        clock.whilePaused = { pauses in if pauses == 8 { _ = share.claim(0, from: 950) } }
        #expect(share.take() == nil)
        #expect(clock.pauses == 8)
        #expect(share.count == 1)
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
