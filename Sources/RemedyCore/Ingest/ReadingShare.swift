import Foundation

/// How the test cases of one report are shared out between the cores reading it, while
/// they read. Each reader holds a part of the report and claims it a step at a time; a
/// reader with nothing left takes the back half of what another has not claimed yet. So a
/// core that starts late (busy with something else when the reading began) or runs slower
/// simply reads less. Each part is read into an accumulator of its own; the parts are
/// merged in the report's order.
final class ReadingShare: @unchecked Sendable {
    /// Test cases that start in `start..<limit`; those before `claimed` are its reader's.
    private struct Part { let start: Int; var limit: Int; var claimed: Int; var taken: Bool }

    private let lock = NSLock()
    private var parts: [Part]
    /// How much a reader claims at a time: what another can no longer take from it.
    private let step: Int
    /// The least unclaimed remainder worth taking half of; nil: parts are never split.
    private let smallest: Int?
    /// Where a part can be cut: the start of a test case at or after the first place and
    /// before the second, or nil.
    private let cut: (_ from: Int, _ before: Int) -> Int?

    /// Parts starting at `starts` (the first 0, each ending where the next starts) of a
    /// report `count` bytes long, split further while reading when `smallest` is given.
    init(starts: [Int], count: Int, step: Int, smallest: Int?, cut: @escaping (_ from: Int, _ before: Int) -> Int?) {
        parts = zip(starts, starts.dropFirst() + [count]).map { Part(start: $0, limit: $1, claimed: $0, taken: false) }
        self.step = step
        self.smallest = smallest
        self.cut = cut
    }

    /// The parts there are now (more once readers have split them).
    var count: Int { lock.withLock { parts.count } }

    /// A part for a reader with nothing to read: one not yet taken, else the back half of
    /// the largest unclaimed remainder; nil when there is none worth taking.
    func take() -> (index: Int, range: Range<Int>)? {
        lock.withLock {
            if let free = parts.firstIndex(where: { !$0.taken }) {
                parts[free].taken = true
                return (free, parts[free].start..<parts[free].limit)
            }
            guard let smallest,
                  let largest = parts.indices.max(by: { parts[$0].limit - parts[$0].claimed < parts[$1].limit - parts[$1].claimed }) else { return nil }
            let rest = parts[largest].limit - parts[largest].claimed
            guard rest >= smallest, let at = cut(parts[largest].claimed + rest / 2, parts[largest].limit) else { return nil }
            parts.append(Part(start: at, limit: parts[largest].limit, claimed: at, taken: true))
            parts[largest].limit = at
            return (parts.count - 1, at..<parts[parts.count - 1].limit)
        }
    }

    /// Claims more of part `index` for its reader, whose next tag starts at `at`: how far
    /// the reader may now start test cases, or nil when its part ends at or before `at`.
    func claim(_ index: Int, from at: Int) -> Int? {
        lock.withLock {
            guard at < parts[index].limit else { return nil }
            parts[index].claimed = min(parts[index].limit, at + step)
            return parts[index].claimed
        }
    }
}
