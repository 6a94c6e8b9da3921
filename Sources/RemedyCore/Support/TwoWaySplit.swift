import Dispatch
import Foundation

/// Work shared out between two cores by weight (a cluster's tests, say): the heaviest
/// items first, each to the lighter side. For work in which each index changes only its
/// own item, so the two sides never write the same memory.
enum TwoWaySplit {
    /// Runs `body` once for every index of `weights`: on two cores when there are two and
    /// the weights add up to `threshold` or more, else in order on this one.
    static func forEach(weights: [Int], threshold: Int, _ body: (Int) -> Void) {
        guard weights.count > 1, weights.reduce(0, +) >= threshold, UsableCores.count > 1 else {
            for index in weights.indices { body(index) }
            return
        }
        var sides: [[Int]] = [[], []]
        var load = [0, 0]
        for index in weights.indices.sorted(by: { weights[$0] > weights[$1] }) {
            let side = load[0] <= load[1] ? 0 : 1
            sides[side].append(index)
            load[side] += weights[index]
        }
        // The two sides' indices one after the other, read through a pointer: Swift 6.3's
        // optimizer (CopyPropagation) crashes when the closure below captures arrays.
        let order = sides[0] + sides[1], split = sides[0].count
        order.withUnsafeBufferPointer { order in
            withoutActuallyEscaping(body) { body in
                let shared = UnsafeSendable((order, split, body))
                TwoCores.perform { side in
                    let (order, split, body) = shared.value
                    for k in side == 0 ? 0..<split : split..<order.count { body(order[k]) }
                }
            }
        }
    }
}
