import Dispatch
import Foundation
import Testing
@testable import RemedyCore
#if os(Linux)
import Glibc

/// Work for a second core: the second half starts on another CPU than its caller's and is
/// then free to move; background work runs elsewhere, giving way to any other thread.
@Suite struct TwoCoresTests {
    /// What a thread saw of itself as it started, from /proc/thread-self: the CPU it ran
    /// on, the CPUs it may use, its scheduling policy (0 normal, 5 SCHED_IDLE).
    struct Seen: Equatable {
        var thread: pthread_t, cpu: Int, allowed: String, policy: Int
        static func now() -> Seen {
            // stat: "pid (comm) state ..." — after the ")", field 39 is the CPU, 41 the policy.
            let stat = String(decoding: FileBytes.read("/proc/thread-self/stat", limit: 4096) ?? [], as: UTF8.self)
            let fields = stat[(stat.lastIndex(of: ")").map { stat.index(after: $0) } ?? stat.startIndex)...].split(separator: " ")
            let status = String(decoding: FileBytes.read("/proc/thread-self/status", limit: 1 << 16) ?? [], as: UTF8.self)
            let allowed = status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
            return Seen(thread: pthread_self(), cpu: fields.count > 38 ? Int(fields[36]) ?? -1 : -1,
                        allowed: allowed.map(String.init) ?? "", policy: fields.count > 38 ? Int(fields[38]) ?? -1 : -1)
        }
    }

    /// A value the threads write under a lock.
    final class Locked<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Value
        init(_ value: Value) { self.value = value }
        func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
    }

    @Test func runsEachHalfOnceTheSecondOnAnotherCPUThenLetsItMove() {
        let caller = Seen.now()
        let seen = Locked<[Int: Seen]>([:])
        let placement = TwoCores.performSeen { half in
            let mine = Seen.now()
            seen.withLock { $0[half] = $0[half] == nil ? mine : nil }
        }
        let halves = seen.withLock { $0 }
        #expect(halves.count == 2)
        #expect(caller.cpu >= 0 && caller.policy == 0 && caller.allowed.hasPrefix("Cpus_allowed_list:"))
        guard let first = halves[0], let second = halves[1] else { return }
        #expect(first.thread == caller.thread)
        #expect(pthread_equal(second.thread, caller.thread) == 0)
        // Placed: it first ran on another CPU than its maker was on (when it may use another;
        // seen before it is let free, since other tests running meanwhile may move it).
        #expect(placement != nil)
        if UsableCores.count > 1, let placement { #expect(placement.first != placement.maker) }
        // Then free: its mask is the caller's again. Not background work.
        #expect(second.allowed == caller.allowed)
        #expect(second.policy == caller.policy)
    }

    @Test func runsBackgroundWorkOnAnotherThreadOnlyWhenACPUIsIdle() {
        let caller = Seen.now()
        let done = DispatchSemaphore(value: 0)
        let seen = Locked<Seen?>(nil)
        TwoCores.inBackground {
            seen.withLock { $0 = Seen.now() }
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
        guard let work = seen.withLock({ $0 }) else { return }
        #expect(pthread_equal(work.thread, caller.thread) == 0)
        #expect(work.policy == 5) // SCHED_IDLE
        #expect(work.allowed == caller.allowed)
    }
}
#endif
