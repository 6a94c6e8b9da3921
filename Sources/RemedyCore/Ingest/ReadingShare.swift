import Foundation

/// How the test cases of one report are shared out between the cores reading it, while
/// they read. Each reader holds a part of the report and claims it a step at a time; a
/// reader with nothing left takes the back half of what another has not claimed yet. So a
/// core that starts late (busy with something else when the reading began) or runs slower
/// simply reads less. Each part is read into an accumulator of its own; the parts are
/// merged in the report's order.
///
/// With `patience`, a reader with nothing left that is worth splitting does not stop while
/// another still has bytes to claim: it looks again every little while, and takes all of
/// that remainder once its reader has claimed nothing for `patience.stall` (its core taken
/// from it: by another process, or by the machine under the virtual one). The reader that
/// is left waiting on a stalled one then reads the rest itself.
final class ReadingShare: @unchecked Sendable {
    /// Test cases that start in `start..<limit`; those before `claimed` are its reader's.
    /// `claimedAt`: when it last claimed (or was taken); `finished`: its reader is done;
    /// `uncut`: where `claimed` was when no test case was found after it.
    private struct Part {
        let start: Int; var limit: Int; var claimed: Int; var taken: Bool
        var claimedAt: UInt64 = 0, finished = false, uncut = -1
    }

    /// How long a reader may claim nothing before another takes what it has not claimed,
    /// the clock that tells, and how a reader waits between two looks.
    struct Patience: Sendable {
        var stall: UInt64
        var clock: @Sendable () -> UInt64
        var pause: @Sendable () -> Void

        /// A reader stalls after 300 µs without a claim (a step takes ~50 µs to read); a
        /// waiting reader looks every 100 µs, sleeping in between (it may share its core
        /// with the reader it waits for).
        static let standard = Patience(stall: 300_000, clock: { monotonicNanoseconds() }, pause: { usleep(100) })

        static func monotonicNanoseconds() -> UInt64 {
            var time = timespec()
            clock_gettime(CLOCK_MONOTONIC, &time)
            return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
        }
    }

    private let lock = NSLock()
    private var parts: [Part]
    /// How much a reader claims at a time: what another can no longer take from it.
    private let step: Int
    /// The least unclaimed remainder worth taking half of; nil: parts are never split.
    private let smallest: Int?
    /// When a reader with nothing left waits for the others (nil: it stops).
    private let patience: Patience?
    /// Where a part can be cut: the start of a test case at or after the first place and
    /// before the second, or nil.
    private let cut: (_ from: Int, _ before: Int) -> Int?

    /// Parts starting at `starts` (the first 0, each ending where the next starts) of a
    /// report `count` bytes long, split further while reading when `smallest` is given.
    init(starts: [Int], count: Int, step: Int, smallest: Int?, patience: Patience? = nil, cut: @escaping (_ from: Int, _ before: Int) -> Int?) {
        parts = zip(starts, starts.dropFirst() + [count]).map { Part(start: $0, limit: $1, claimed: $0, taken: false) }
        self.step = step
        self.smallest = smallest
        self.patience = smallest == nil ? nil : patience
        self.cut = cut
    }

    /// The parts there are now (more once readers have split them).
    var count: Int { lock.withLock { parts.count } }

    /// What a reader with nothing to read is told: a part to read, to look again later, or
    /// that it is done.
    private enum Answer { case part(Int, Range<Int>), later, done }

    /// A part for a reader with nothing to read: one not yet taken, else the back half of
    /// the largest unclaimed remainder, else (with `patience`) all of a stalled reader's
    /// remainder once it stalls; nil when there is none worth taking and (with `patience`)
    /// no other reader has anything left to claim.
    func take() -> (index: Int, range: Range<Int>)? {
        while true {
            switch lock.withLock({ answer() }) {
            case let .part(index, range): return (index, range)
            case .done: return nil
            case .later: patience!.pause()
            }
        }
    }

    /// `take`'s answer, under the lock.
    private func answer() -> Answer {
        if let free = parts.firstIndex(where: { !$0.taken }) {
            parts[free].taken = true
            parts[free].claimedAt = patience?.clock() ?? 0
            return .part(free, parts[free].start..<parts[free].limit)
        }
        guard let smallest else { return .done }
        let open = parts.indices.filter { !parts[$0].finished && parts[$0].limit > parts[$0].claimed }
        guard let largest = open.max(by: { parts[$0].limit - parts[$0].claimed < parts[$1].limit - parts[$1].claimed }) else { return .done }
        let rest = parts[largest].limit - parts[largest].claimed
        if rest >= smallest, let at = cut(parts[largest].claimed + rest / 2, parts[largest].limit) {
            return split(largest, at: at)
        }
        guard let patience else { return .done }
        // Nothing worth splitting: all of a stalled reader's remainder, else look again.
        let now = patience.clock()
        if let stalled = open.first(where: { now &- parts[$0].claimedAt > patience.stall && parts[$0].uncut != parts[$0].claimed }) {
            guard let at = cut(parts[stalled].claimed, parts[stalled].limit) else {
                // No test case found in what is left: its reader reads it (looked for again
                // only once it has claimed more).
                parts[stalled].uncut = parts[stalled].claimed
                return .later
            }
            return split(stalled, at: at)
        }
        return .later
    }

    /// Part `index` cut at `at`: what follows is a new part, taken.
    private func split(_ index: Int, at: Int) -> Answer {
        parts.append(Part(start: at, limit: parts[index].limit, claimed: at, taken: true, claimedAt: patience?.clock() ?? 0))
        parts[index].limit = at
        return .part(parts.count - 1, at..<parts[parts.count - 1].limit)
    }

    /// Claims more of part `index` for its reader, whose next tag starts at `at`: how far
    /// the reader may now start test cases, or nil when its part ends at or before `at`.
    func claim(_ index: Int, from at: Int) -> Int? {
        lock.withLock {
            guard at < parts[index].limit else { return nil }
            parts[index].claimed = min(parts[index].limit, at + step)
            if let patience { parts[index].claimedAt = patience.clock() }
            return parts[index].claimed
        }
    }

    /// Part `index`'s reader is done with it (at its limit, or at the end of what can be
    /// read): nothing of it is left for another to take.
    func finish(_ index: Int) {
        lock.withLock { parts[index].finished = true }
    }
}
