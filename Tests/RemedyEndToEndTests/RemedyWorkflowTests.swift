import Foundation
import Testing
import RemedyCore
import RemedyTestSupport

/// The developer's and the bot's other paths through `remedy`, on real repositories.
@Suite(.serialized) struct RemedyWorkflowTests {
    func remedy(_ arguments: [String]) async throws -> ChildProcess.Result { try await Command.remedy(arguments) }

    func demoRepository() async throws -> TemporaryFolder { try await Fixtures.committedDemoRepository("flow") }

    let log = Fixtures.path("pytest/demo-xunit1.xml")

    @Test func applyModeKeepsUncommittedChanges() async throws {
        let folder = try await demoRepository()
        try folder.write(["app/chat.py": folder.read("app/chat.py")! + "\n# my edit\n", "tests/helpers/ws.py": folder.read("tests/helpers/ws.py")! + "\n# mine too\n"])
        let result = try await remedy(["fix", log, "--repo", folder.path, "--mode", "apply", "--finding", "1"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("applied to the working tree"))
        let helper = try #require(folder.read("tests/helpers/ws.py"))
        #expect(helper.contains("def send_message_and_wait("))
        #expect(helper.hasSuffix("\n# mine too\n"))
        #expect(folder.read("app/chat.py")?.hasSuffix("\n# my edit\n") == true)
        let staged = try await Command.git(["diff", "--cached", "--name-only"], in: folder.path).output
        #expect(staged.isEmpty, "the index is left alone")
        let branches = try await Command.git(["branch", "--list", "remedy/*"], in: folder.path).output
        #expect(branches.isEmpty)
    }

    @Test func applyModeChangesNothingWhenTheFixDoesNotApply() async throws {
        let folder = try await demoRepository()
        let mine = "class WebSocketTestClient:\n    pass  # rewritten by hand, not committed\n"
        try folder.write(["tests/helpers/ws.py": mine])
        let result = try await remedy(["fix", log, "--repo", folder.path, "--mode", "apply", "--finding", "1"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("not applied: the fix does not apply cleanly over your uncommitted changes"))
        #expect(result.output.contains("patch: "), "the verified fix is kept as a patch file")
        #expect(folder.read("tests/helpers/ws.py") == mine)
    }

    /// A bot in a fresh clone sees the branch on the remote and proposes nothing again.
    @Test func aFreshCloneSeesTheRemotesBranch() async throws {
        let origin = try await demoRepository()
        let first = try await remedy(["fix", log, "--repo", origin.path, "--finding", "1"])
        #expect(first.status == 0, "\(first.output)")
        let clones = TemporaryFolder("clone")
        let clone = clones.path + "/repo"
        try await Command.git(["clone", "-q", "--no-local", "--depth", "1", "file://" + origin.path, clone], in: clones.path)
        try await Command.git(["fetch", "-q", "--depth", "1", "origin", "+refs/heads/remedy/*:refs/remotes/origin/remedy/*"], in: clone)
        try await Command.git(["checkout", "-q", "--detach"], in: clone)
        let second = try await remedy(["fix", log, "--repo", clone, "--finding", "1"])
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("already proposed (refs/remotes/origin/remedy/python.missing-method/154d5b68)"))
        let local = try await Command.git(["branch", "--list", "remedy/*"], in: clone).output
        #expect(local.isEmpty)
    }

    @Test func maxBranchesCapsARun() async throws {
        let folder = try await demoRepository()
        let result = try await remedy(["fix", log, "--repo", folder.path, "--finding", "1", "--max-branches", "0"])
        #expect(result.output.contains("not published: --max-branches 0 reached"))
        let branches = try await Command.git(["branch", "--list", "remedy/*"], in: folder.path).output
        #expect(branches.isEmpty)
    }

    @Test func planShowsCandidatesAndChangesNothing() async throws {
        let folder = try await demoRepository()
        let refsBefore = try await Command.git(["for-each-ref"], in: folder.path).output
        let result = try await remedy(["plan", log, "--repo", folder.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("Finding 1: python.missing-method"))
        #expect(result.output.contains("+    def send_message_and_wait(self, text: str, expect: str = \"agent_completed\", timeout: float = 1.0) -> dict:"))
        #expect(result.output.contains("+    async def create_test_user_with_token("))
        #expect(try await Command.git(["for-each-ref"], in: folder.path).output == refsBefore)
        #expect(try await Command.git(["status", "--porcelain"], in: folder.path).output.isEmpty)
        let worktrees = try await Command.git(["worktree", "list"], in: folder.path).output
        #expect(worktrees.split(separator: "\n").count == 1)
    }

    @Test func markdownForAPullRequest() async throws {
        let folder = try await demoRepository()
        let result = try await remedy(["fix", log, "--repo", folder.path, "--finding", "1", "--format", "markdown"])
        #expect(result.output.contains("### Finding 1: `python.missing-method` — fixed"))
        #expect(result.output.contains("```diff"))
    }
}

/// The playbook author's commands.
@Suite struct PlaybookAuthorTests {
    @Test func explainNamesTheFieldThatFailedAndTheStrategyThatWouldRun() async throws {
        let result = try await Command.remedy(["explain", Fixtures.path("pytest/grown-rA.txt"), "--repo", Fixtures.packageRoot + "/demo",
                                               "--test", "tests/integration/test_llm_provider_integration.py"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("no match  python.missing-method  ←  ModuleNotFoundError: No module named 'app.llm_providers' [1 test]\n    exception: ModuleNotFoundError is not one of AttributeError"))
        #expect(result.output.contains("MATCH (chosen)  python.missing-module"))
        #expect(result.output.contains("would run rewrite-import (python.rewrite-import) with module=app.llm_providers"))
        let unknown = try await Command.remedy(["explain", Fixtures.path("pytest/grown-rA.txt"), "--rule", "python.nope"])
        #expect(unknown.status == 2)
        #expect(unknown.output.contains("no rule 'python.nope'"))
    }

    /// A rule scaffolded from a real failure lints, matches its failure, and its example passes.
    @Test func newScaffoldsARuleThatTestsGreen() async throws {
        let folder = TemporaryFolder("newrule")
        let result = try await Command.remedy(["playbooks", "new", "python.renamed-helper", "--from", Fixtures.path("pytest/demo-rA.txt"),
                                               "--repo", Fixtures.packageRoot + "/demo", "--dir", folder.path + "/pb"])
        #expect(result.status == 0, "\(result.output)")
        let rule = try #require(folder.read("pb/python/python.renamed-helper.yml"))
        #expect(rule.contains(#"message: "^'(?<value1>[^']+)' object has no attribute '(?<value2>[^']+)'$""#))
        #expect(rule.contains("action: python.add-wrapper-method"))
        let after = try #require(folder.read("pb/python/python.renamed-helper/test_message_gets_a_reply/after/tests/helpers/ws.py"))
        #expect(after.contains("def send_message_and_wait("))
        let test = try await Command.remedy(["playbooks", "test", folder.path + "/pb"])
        #expect(test.status == 0, "\(test.output)")
        #expect(test.output.contains("PASS  python.renamed-helper/test_message_gets_a_reply"))
        let again = try await Command.remedy(["playbooks", "new", "python.renamed-helper", "--from", Fixtures.path("pytest/demo-rA.txt"), "--dir", folder.path + "/pb"])
        #expect(again.status == 2 && again.output.contains("already exists"))
    }

    @Test func playbooksTestRunsTheShippedExamplesFromACopiedBinary() async throws {
        let folder = TemporaryFolder("pbtest")
        try FileManager.default.copyItem(atPath: Fixtures.remedyBinary, toPath: folder.path + "/remedy")
        let result = try await Command.run(folder.path + "/remedy", ["playbooks", "test"], in: folder.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("PASS  python.missing-method/renamed-helper"))
        // Every example folder beside every shipped rule, as the repository holds them.
        let rules = Fixtures.packageRoot + "/playbooks/python"
        func folders(_ path: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: path).filter { name in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory) && isDirectory.boolValue
            }
        }
        let examples = try folders(rules).flatMap { try folders(rules + "/" + $0) }
        #expect(examples.count >= 10)
        #expect(result.output.contains("\(examples.count) of \(examples.count) examples passed"), "\(result.output)")
    }
}

/// `.remedy.yml`: the project's defaults for every flag; a flag wins over the file.
@Suite struct ConfigurationFileTests {
    @Test func theFileSetsDefaultsAndFlagsWin() async throws {
        let folder = try await Fixtures.committedDemoRepository("config")
        try folder.write([".remedy.yml": "branch-prefix: bot/\ndisabled-rules: [python.missing-module, python.deprecated-import]\ntest-timeout: 300\n"])
        try await Command.git(["add", ".remedy.yml"], in: folder.path)
        try await Command.git(["commit", "-qm", "config"], in: folder.path)
        let log = Fixtures.path("pytest/demo-xunit1.xml")

        let first = try await Command.remedy(["fix", log, "--repo", folder.path, "--finding", "1"])
        #expect(first.output.contains("branch bot/python.missing-method/154d5b68 (created)"), "\(first.output)")
        let second = try await Command.remedy(["fix", log, "--repo", folder.path, "--finding", "1", "--branch-prefix", "human/"])
        #expect(second.output.contains("branch human/python.missing-method/154d5b68 (created)"), "\(second.output)")

        let plan = try await Command.remedy(["plan", Fixtures.path("pytest/grown-xunit1.xml"), "--repo", folder.path])
        #expect(!plan.output.contains("python.missing-module"), "disabled rules do not match: \(plan.output)")

        try folder.write([".remedy.yml": "disabled-rules: [python.no-such-rule]\n"])
        let bad = try await Command.remedy(["fix", log, "--repo", folder.path])
        #expect(bad.status == 2)
        #expect(bad.output.contains("disabled-rules names no rule 'python.no-such-rule'"))
    }
}

/// `--push REMOTE`: through libgit2, to a local bare repository; a remote that refuses.
@Suite struct PushTests {
    func repositoryWithRemote(hook: String? = nil) async throws -> (TemporaryFolder, TemporaryFolder) {
        let folder = try await Fixtures.committedDemoRepository("push")
        let remote = TemporaryFolder("remote")
        try await Command.git(["init", "-q", "--bare", remote.path], in: "/")
        if let hook {
            try remote.write(["hooks/pre-receive": "#!/bin/sh\n" + hook])
            chmod(remote.path + "/hooks/pre-receive", 0o755)
        }
        try await Command.git(["remote", "add", "origin", remote.path], in: folder.path)
        return (folder, remote)
    }

    @Test func theVerifiedBranchIsPushed() async throws {
        let (folder, remote) = try await repositoryWithRemote()
        let result = try await Command.remedy(["fix", Fixtures.path("pytest/demo-xunit1.xml"), "--repo", folder.path, "--finding", "1", "--push", "origin"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("(created, pushed to origin)"))
        let local = try await Command.git(["rev-parse", "remedy/python.missing-method/154d5b68"], in: folder.path).output
        let pushed = try await Command.git(["rev-parse", "remedy/python.missing-method/154d5b68"], in: remote.path).output
        #expect(!pushed.isEmpty && pushed == local)
    }

    /// libgit2 pushes to a path directly (no hooks run), so the refusing remote is served
    /// by `git daemon` on the loopback address, whose pre-receive hook declines.
    @Test func aRemoteThatRefusesIsReportedAndTheLocalBranchStays() async throws {
        let (folder, remote) = try await repositoryWithRemote(hook: "echo 'branches need review' >&2; exit 1\n")
        let port = Int.random(in: 20000..<40000)
        let base = (remote.path as NSString).deletingLastPathComponent
        let name = (remote.path as NSString).lastPathComponent
        let daemon = Task {
            try await Command.run("git", ["daemon", "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)", "--base-path=\(base)", "--export-all",
                                          "--enable=receive-pack", remote.path], in: base)
        }
        defer { daemon.cancel() }
        try await Task.sleep(for: .seconds(1))
        try await Command.git(["remote", "add", "served", "git://127.0.0.1:\(port)/\(name)"], in: folder.path)
        let result = try await Command.remedy(["fix", Fixtures.path("pytest/demo-xunit1.xml"), "--repo", folder.path, "--finding", "1", "--push", "served"])
        _ = try? await Command.run("pkill", ["-f", "--", "--port=\(port)"], in: "/")
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("not applied: served refused refs/heads/remedy/python.missing-method/154d5b68: pre-receive hook declined"), "\(result.output)")
        let local = try await Command.git(["branch", "--list", "remedy/*"], in: folder.path).output
        #expect(local.contains("remedy/python.missing-method/154d5b68"))
        let missing = try await Command.remedy(["fix", Fixtures.path("pytest/demo-xunit1.xml"), "--repo", folder.path, "--finding", "1", "--push", "nowhere", "--branch-prefix", "other/"])
        #expect(missing.output.contains("no remote 'nowhere'"), "\(missing.output)")
    }
}

/// A failure that passes on HEAD (flaky, or fixed already) is "not reproduced", never fixed.
@Suite struct NotReproducedTests {
    @Test func aLogWhoseFailurePassesOnHeadIsNotReproduced() async throws {
        let folder = try await Fixtures.committedDemoRepository("flaky")
        try folder.write(["stale.log": """
            ============================= test session starts ==============================
            FAILED tests/test_chat_router.py::test_open_session_names_the_user - AttributeError: 'ChatRouter' object has no attribute 'open'
            ============================== 1 failed in 0.01s ===============================

            """])
        let result = try await Command.remedy(["fix", folder.path + "/stale.log", "--repo", folder.path])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("strategy wrapper (python.add-wrapper-method, safe): not reproduced — the targeted tests pass without any fix"), "\(result.output)")
        #expect(!result.output.contains("strategy rename-call-sites"), "no further strategy is tried")
        let branches = try await Command.git(["branch", "--list", "remedy*"], in: folder.path).output
        #expect(branches.isEmpty)
    }
}

/// A fix that moves the failure on to another known cause: the next fix is chained on
/// top, and the original tests decide (--max-attempts).
@Suite struct ChainedFixTests {
    let project = [
        "client.py": "class Client:\n    def connect(self):\n        self.open = True\n\n    def send_and_wait(self, text):\n        return text.upper()\n",
        "test_client.py": "from client import Client\n\n\ndef test_round_trip():\n    client = Client()\n    client.connect_now()\n    assert client.send_message_and_wait(\"hi\") == \"HI\"\n",
    ]

    func repository() async throws -> TemporaryFolder {
        try await TemporaryFolder.committedRepository("chain", files: project)
    }

    @Test func theSecondRenameHiddenByTheFirstIsFixedToo() async throws {
        let folder = try await repository()
        let result = try await Command.remedy(["fix", "--repo", folder.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("Then the failure became AttributeError: 'Client' object has no attribute 'send_message_and_wait'"), "\(result.output)")
        let branch = try #require(result.output.split(separator: "\n").first { $0.contains("branch remedy/python.missing-method/") })
        let name = String(branch.split(separator: " ")[1])
        let client = try await Command.git(["show", "\(name):client.py"], in: folder.path).output
        #expect(client.contains("def connect_now(self):") && client.contains("def send_message_and_wait(self, text):"))
        try await Command.git(["checkout", "-q", name], in: folder.path)
        let pytest = try await Command.run("python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider", "test_client.py"], in: folder.path, environment: ["PYTHONDONTWRITEBYTECODE": "1"])
        #expect(pytest.status == 0, "\(pytest.output)")
    }

    @Test func withOneAttemptTheFirstFixOnlyImproves() async throws {
        let folder = try await repository()
        let result = try await Command.remedy(["fix", "--repo", folder.path, "--max-attempts", "1"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("improved — the failure is now: AttributeError: 'Client' object has no attribute 'send_message_and_wait'"), "\(result.output)")
    }
}

/// The guard set: test files that import what a fix touched are rerun too, and a test
/// that passed before and fails after makes the fix a regression, never published.
@Suite struct GuardSetTests {
    @Test func aFixThatBreaksAnotherTestFileIsARegression() async throws {
        let folder = try await TemporaryFolder.committedRepository("guard", files: [
            "client.py": "class Client:\n    def send_and_wait(self, text):\n        return text.upper()\n",
            "test_client.py": "from client import Client\n\n\ndef test_send():\n    assert Client().send_message_and_wait(\"hi\") == \"HI\"\n",
            "test_api.py": "from client import Client\n\n\ndef test_old_name_is_gone():\n    assert not hasattr(Client, \"send_message_and_wait\")\n",
        ])
        let result = try await Command.remedy(["fix", "--repo", folder.path])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("guard set: 1 more test file import"), "\(result.output)")
        #expect(result.output.contains("regressed — now failing: test_api.py::test_old_name_is_gone"), "\(result.output)")
        let branches = try await Command.git(["branch", "--list", "remedy/*"], in: folder.path).output
        #expect(branches.isEmpty)
    }
}

/// `--unsafe` on the demo's missing session manager: the placeholder module is created,
/// the skipped tests now run and fail with NotImplementedError, and the candidate is
/// kept for review, never published.
@Suite struct UnsafeStubTests {
    @Test func theStubIsTriedAndKeptForReview() async throws {
        let folder = try await Fixtures.committedDemoRepository("unsafe")
        let result = try await Command.remedy(["fix", Fixtures.path("pytest/grown-xunit1.xml"), "--repo", folder.path, "--rule", "python.missing-module", "--unsafe"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("strategy stub-module (python.stub-module, unsafe): improved — the failure is now: NotImplementedError: auth_service.auth_core.core.session_manager.SessionManager is a placeholder created by Remedy"), "\(result.output)")
        #expect(result.output.contains("unverified candidate kept for review: "))
        let branches = try await Command.git(["branch", "--list", "remedy/python.missing-module/51c42e50"], in: folder.path).output
        #expect(branches.isEmpty)
    }
}
