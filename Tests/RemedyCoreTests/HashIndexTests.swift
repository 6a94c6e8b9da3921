import Testing
@testable import RemedyCore

/// The streaming reader's hash-to-index table: what goes in comes out, through growth.
@Suite struct HashIndexTests {
    /// Well-mixed 64-bit keys, as the reader's hashes are (a fixed-seed generator).
    func keys(_ count: Int) -> [UInt64] {
        var state: UInt64 = 0x9E3779B97F4A7C15
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
    }

    @Test func insertedKeysAreFoundThroughGrowth() {
        var index = HashIndex(capacity: 16)
        let all = keys(20_000)
        for (n, key) in all.enumerated() { index.insert(key, n) }
        #expect(all.enumerated().allSatisfy { index.find($1) == $0 })
        #expect(keys(20_100).suffix(100).allSatisfy { index.find($0) == nil })
    }

    @Test func insertingAgainReplacesAndInsertIfAbsentKeeps() {
        var index = HashIndex(capacity: 16)
        index.insert(42, 1)
        index.insert(42, 2)
        #expect(index.find(42) == 2)
        #expect(index.insertIfAbsent(42, 3) == 2)
        #expect(index.insertIfAbsent(43, 4) == nil)
        #expect(index.find(43) == 4)
        // 0 marks an empty bucket: a key of 0 is kept (as 1).
        index.insert(0, 5)
        #expect(index.find(0) == 5)
    }
}
