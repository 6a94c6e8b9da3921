import Foundation
import Testing
import RemedyTestSupport
@testable import RemedyCore

@Suite struct UsableCoresTests {
    @Test func allowedListsAreCounted() {
        #expect(UsableCores.allowedCount(status: "Name:\tx\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n") == 2)
        #expect(UsableCores.allowedCount(status: "Cpus_allowed_list:\t0\n") == 1)
        #expect(UsableCores.allowedCount(status: "Cpus_allowed_list:\t0-3,6,8-9\n") == 7)
        #expect(UsableCores.allowedCount(status: "Cpus_allowed_list:\t3-1\n") == nil)
        #expect(UsableCores.allowedCount(status: "Cpus_allowed_list:\tx\n") == nil)
        #expect(UsableCores.allowedCount(status: "Name:\tx\n") == nil)
        #expect(UsableCores.allowedCount(status: "Cpus_allowed_list:\t 0-1 \n") == 2)
        #expect(UsableCores.allowedCount(status: "Cpus_allowed_list:\t0-1") == 2)
        #expect(UsableCores.allowedCount(status: "XCpus_allowed_list:\t0\n") == nil)
        #expect(UsableCores.allowedCount(status: "Cpus_allowed_list:\t\n") == nil)
        #expect(UsableCores.allowedCount(status: "Cpus_allowed_list:\t0-1-2\n") == nil)
        #expect(UsableCores.allowedCount(status: "Cpus_allowed_list:\t1 2\n") == nil)
        #expect(UsableCores.allowedCount(status: "Cpus_allowed_list:\t0-1,,4\n") == 3)
    }

    /// A process held to one core (taskset, as a container's cpuset would) counts one,
    /// though the machine has more: its report is then read by one reader.
    @Test func aProcessHeldToOneCoreCountsOne() async throws {
        let machine = ProcessInfo.processInfo.activeProcessorCount
        #expect(UsableCores.current() >= 1 && UsableCores.current() <= machine)
        guard machine > 1, FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset") else { return }
        // taskset runs `cat` on one core; its status lists that core alone.
        let held = try await Command.run("/usr/bin/taskset", ["-c", "0", "cat", "/proc/self/status"], in: "/")
        #expect(UsableCores.allowedCount(status: held.output) == 1)
        // A child otherwise runs where this process may (all the machine's cores, unless
        // the tests themselves are held).
        let free = try await Command.run("/bin/cat", ["/proc/self/status"], in: "/")
        #expect(UsableCores.allowedCount(status: free.output) == UsableCores.current())
    }
}
