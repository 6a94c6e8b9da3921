import Foundation
import Testing
import RemedyCore
import RemedyTestSupport

/// SIGINT in the middle of a rerun: the tests stop, Remedy's worktrees, temporary branches
/// and lock are removed, and the user's tree is as it was.
@Suite struct InterruptionTests {
    @Test func interruptStopsTheTestsAndCleansUp() async throws {
        let folder = TemporaryFolder("sig")
        let signals = TemporaryFolder("sigmark")
        let marker = signals.path + "/started"
        try folder.write([
            "tests/test_slow.py": """
                import pathlib, time

                class Helper:
                    def go_now(self):
                        return 1

                def test_slow():
                    pathlib.Path("\(marker)").write_text("started")
                    time.sleep(600)
                    assert Helper().go()

                """,
            "failing.log": "===== test session starts =====\nFAILED tests/test_slow.py::test_slow - AttributeError: 'Helper' object has no attribute 'go'\n===== 1 failed in 0.01s =====\n",
        ])
        try await Command.git(["init", "-q"], in: folder.path)
        try await Command.git(["add", "tests"], in: folder.path)
        try await Command.git(["commit", "-qm", "slow"], in: folder.path)
        let status = try await Command.git(["status", "--porcelain"], in: folder.path).output

        async let run = Command.remedy(["fix", folder.path + "/failing.log", "--repo", folder.path])
        var waited = 0
        while !FileManager.default.fileExists(atPath: marker), waited < 240 {
            try await Task.sleep(for: .milliseconds(500))
            waited += 1
        }
        #expect(FileManager.default.fileExists(atPath: marker), "the rerun started")
        try await Command.run("pkill", ["-INT", "-f", "--", "--repo \(folder.path)"], in: "/")
        let result = try await run

        #expect(result.status == 130, "\(result.output)")
        #expect(result.output.contains("interrupted"))
        let worktrees = try await Command.git(["worktree", "list"], in: folder.path).output
        #expect(worktrees.split(separator: "\n").count == 1)
        let branches = try await Command.git(["branch", "--list", "remedy*"], in: folder.path).output
        #expect(branches.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/.git/remedy/lock"))
        #expect(try await Command.git(["status", "--porcelain"], in: folder.path).output == status)
        // The journal says the run was interrupted.
        let runs = try await Command.remedy(["runs", "--repo", folder.path])
        #expect(runs.output.contains("  interrupted  "), "\(runs.output)")
        let leftover = try await Command.run("pgrep", ["-f", marker], in: "/")
        #expect(leftover.status == 1, "no test process is left: \(leftover.output)")
    }
}
