import Dispatch
#if os(Linux)
import CCorePlacement
import Glibc
#endif

/// Work for a second core: two halves run at once, or a task left to run while the caller
/// goes on. On Linux the second core's thread is started placed by its affinity mask (then
/// let free): the scheduler of this project's machines packs a new thread onto its maker's
/// CPU, where in a quarter of the starts it waited 1.5-3 ms to be moved (Dispatch's workers
/// as much), while a placed one ran within 0.1 ms. Elsewhere Dispatch runs them.
enum TwoCores {
    /// Runs `body(0)` here and `body(1)` on another core, and returns when both are done.
    /// If no thread can be started, both run here in turn.
    static func perform(_ body: (Int) -> Void) {
        _ = performSeen(body)
    }

    /// `perform`, and where the second half's thread was started: the CPU this thread ran
    /// on then and the one the new thread first ran on (nil: not known, or not started).
    static func performSeen(_ body: (Int) -> Void) -> (maker: Int, first: Int)? {
        #if os(Linux)
        return withoutActuallyEscaping(body) { body in
            let half = Unmanaged.passRetained(Work { body(1) })
            defer { half.release() }
            var thread = pthread_t()
            var placement = remedy_placement()
            guard remedy_start_elsewhere(&thread, Work.run, half.toOpaque(), &placement) == 0 else {
                body(0)
                body(1)
                return nil
            }
            body(0)
            pthread_join(thread, nil)
            return placement.maker < 0 || placement.first < 0 ? nil : (Int(placement.maker), Int(placement.first))
        }
        #else
        DispatchQueue.concurrentPerform(iterations: 2, execute: body)
        return nil
        #endif
    }

    /// Runs `work` on another core while the caller goes on (here, if no thread can be started).
    static func inBackground(_ work: @escaping @Sendable () -> Void) {
        #if os(Linux)
        let box = Unmanaged.passRetained(Work(work))
        if remedy_start_elsewhere(nil, Work.runOnce, box.toOpaque(), nil) != 0 {
            box.release()
            work()
        }
        #else
        DispatchQueue.global().async(execute: work)
        #endif
    }

    /// A closure handed to a new thread through a C pointer.
    private final class Work {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }

        /// Runs the work; the caller keeps it alive (and releases it).
        static let run: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
            Unmanaged<Work>.fromOpaque(context!).takeUnretainedValue().body()
        }

        /// Runs the work and releases it.
        static let runOnce: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
            Unmanaged<Work>.fromOpaque(context!).takeRetainedValue().body()
        }
    }
}
