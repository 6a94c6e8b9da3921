import Foundation
import Testing
import RemedyCore
import RemedyTestSupport

/// The built `remedy` binary, run as a user runs it, on real repositories and real pytest.
@Suite(.serialized) struct RemedyCLITests {

    func remedy(_ arguments: [String]) async throws -> ChildProcess.Result { try await Command.remedy(arguments) }

    func demoRepository() async throws -> TemporaryFolder { try await Fixtures.committedDemoRepository("e2e") }

    /// The demo covers the seed's classes: a renamed method (compatible, and the real
    /// mismatch), modules that moved (one behind a guarded import that skipped its tests,
    /// one a collection error), a missing component, and a deprecated import path.
    @Test func demoFixesWhatVerifiesAndKeepsTheRestForReview() async throws {
        let parent = TemporaryFolder("demo")
        let dir = parent.path + "/repo"
        let result = try await remedy(["demo", "--dir", dir, "--format", "json"])
        #expect(result.status == 0, "\(result.output)")
        let json = try #require(result.output.range(of: "{\n").map { String(result.output[$0.lowerBound...]) })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let findings = try #require((object["fix"] as? [String: Any])?["findings"] as? [[String: Any]])
        #expect(findings.map { $0["rule"] as? String } == ["python.missing-method", "python.missing-method", "python.missing-module",
                                                           "python.missing-module", "python.missing-module", "python.deprecated-import"])
        let branches = findings.compactMap { $0["branch"] as? String }
        #expect(branches == ["remedy/python.missing-method/154d5b68", "remedy/python.missing-module/98a34b2e",
                             "remedy/python.missing-module/8c5592b1", "remedy/python.deprecated-import/ae4e984c"])
        let candidate = try #require(findings[1]["patchFile"] as? String)
        #expect(candidate.hasSuffix("0002-python.missing-method-e47ac754.unverified.patch"))
        #expect(FileManager.default.fileExists(atPath: candidate))
        // The whole suite again, with the four verified fixes together: the seed's "rerun".
        let fix = try #require(object["fix"] as? [String: Any])
        let before = try #require(fix["suiteBefore"] as? [String: Int]), after = try #require(fix["suiteAfter"] as? [String: Int])
        #expect(before["passed"] == 4 && before["failed"] == 8 && before["errors"] == 1 && before["skipped"] == 6)
        #expect(after["passed"] == 14 && after["failed"] == 3 && after["errors"] == 0 && after["skipped"] == 3)
        // The missing session manager is not invented without --unsafe.
        #expect(findings[3]["branch"] == nil && findings[3]["patchFile"] == nil)
        // The two moved modules touch different files: verified together in one run, and
        // still one commit each; the joint run with the mismatch was split, not trusted.
        #expect(result.output.contains("verifying findings 3, 5 together"), "\(result.output)")
        #expect(result.output.contains("the joint run of findings 1, 2 did not verify them all: splitting"), "\(result.output)")
        let together = try await Command.git(["log", "-1", "--format=%B", "remedy/python.missing-module/8c5592b1"], in: dir).output
        #expect(together.contains("Verified together with finding 3 in one test run"), "\(together)")

        // The triage saw through the skips to the import failures they hide.
        let skips = try #require((object["triage"] as? [String: Any])?["skips"] as? [[String: Any]])
        let hidden = skips.flatMap { $0["hides"] as? [String] ?? [] }
        #expect(hidden.contains("ModuleNotFoundError: No module named 'app.agents.supervisor_agent_modern'"))

        // Each branch makes its tests pass.
        for (branch, file) in [("remedy/python.missing-module/98a34b2e", "tests/integration/test_agent_execution_integration.py"),
                               ("remedy/python.missing-module/8c5592b1", "tests/integration/test_llm_provider_integration.py")] {
            try await Command.git(["checkout", "-q", branch], in: dir)
            let pytest = try await Command.run("python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider", file], in: dir, environment: ["PYTHONDONTWRITEBYTECODE": "1"])
            #expect(pytest.status == 0 && !pytest.output.contains("skipped"), "\(branch): \(pytest.output)")
        }
        try await Command.git(["checkout", "-q", "remedy/python.deprecated-import/ae4e984c"], in: dir)
        let warnings = try await Command.run("python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error::DeprecationWarning", "tests/test_logging.py"], in: dir,
                                             environment: ["PYTHONDONTWRITEBYTECODE": "1"])
        #expect(warnings.status == 0, "\(warnings.output)")

        // On the branch the affected tests pass; the real mismatch was never called fixed.
        let listed = try await Command.git(["branch", "--list", "remedy/*"], in: dir).output
        #expect(listed.contains("remedy/python.missing-method/154d5b68"))
        try await Command.git(["checkout", "-q", "remedy/python.missing-method/154d5b68"], in: dir)
        let pytest = try await Command.run("python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/integration/test_websocket_message_flow_integration.py"], in: dir,
                                           environment: ["PYTHONDONTWRITEBYTECODE": "1"])
        #expect(pytest.status == 0, "\(pytest.output)")
        #expect(pytest.output.contains("5 passed"))
    }

    @Test func fixFromALogLeavesTheUsersTreeAloneAndASecondRunOpensNothing() async throws {
        let folder = try await demoRepository()
        // The user's own uncommitted and untracked work.
        try folder.write(["app/chat.py": folder.read("app/chat.py")! + "\n# work in progress\n", "scratch.txt": "mine\n"])
        let status = try await Command.git(["status", "--porcelain"], in: folder.path).output
        let head = try await Command.git(["rev-parse", "HEAD"], in: folder.path).output

        let first = try await remedy(["fix", Fixtures.path("pytest/demo-xunit1.xml"), "--repo", folder.path, "--rule", "python.missing-method", "--jobs", "1", "--no-batch"])
        #expect(first.status == 1, "one finding is left unresolved: \(first.output)")
        #expect(first.output.contains("branch remedy/python.missing-method/154d5b68 (created)"))
        #expect(first.output.contains("unverified candidate kept for review"))

        #expect(try await Command.git(["status", "--porcelain"], in: folder.path).output == status)
        #expect(try await Command.git(["rev-parse", "HEAD"], in: folder.path).output == head)
        #expect(folder.read("scratch.txt") == "mine\n")
        #expect(folder.read("app/chat.py")?.hasSuffix("# work in progress\n") == true)
        let tip = try await Command.git(["rev-parse", "remedy/python.missing-method/154d5b68"], in: folder.path).output

        let second = try await remedy(["fix", Fixtures.path("pytest/demo-xunit1.xml"), "--repo", folder.path, "--finding", "1"])
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("already proposed"))
        #expect(try await Command.git(["rev-parse", "remedy/python.missing-method/154d5b68"], in: folder.path).output == tip)
        // Both runs are in the journal, newest first, with their verdicts and branches.
        let runs = try await remedy(["runs", "--repo", folder.path, "--format", "json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(runs.output.utf8)) as? [[String: Any]])
        #expect(entries.count == 2)
        #expect(entries.allSatisfy { $0["status"] as? String == "done" })
        let text = try await remedy(["runs", "--repo", folder.path])
        #expect(text.output.contains("1. python.missing-method 154d5b68: wrapper: fixed ["))
        #expect(text.output.contains("→ remedy/python.missing-method/154d5b68"))
        let message = try await Command.git(["log", "-1", "--format=%B", "remedy/python.missing-method/154d5b68"], in: folder.path).output
        #expect(message.contains("Remedy-Rule: python.missing-method\nRemedy-Signature: 154d5b68"))
        #expect(message.contains("TestConcurrentUsers::test_users_are_isolated: failed -> passed"))
    }

    /// With no log, Remedy runs the suite itself (on HEAD, in a worktree) first.
    @Test func fixWithoutALogRunsTheSuiteAndPatchModeWritesFilesGitAmApplies() async throws {
        let folder = try await demoRepository()
        let patches = TemporaryFolder("patches")
        let result = try await remedy(["fix", "--repo", folder.path, "--mode", "patch", "--patch-dir", patches.path, "--finding", "1", "--format", "json"])
        #expect(result.status == 0, "\(result.output)")
        let files = try FileManager.default.contentsOfDirectory(atPath: patches.path)
        #expect(files == ["0001-python.missing-method-154d5b68.patch"])
        let branches = try await Command.git(["branch", "--list", "remedy/*"], in: folder.path).output
        #expect(branches.isEmpty)
        try await Command.git(["checkout", "-q", "-b", "apply-here"], in: folder.path)
        let am = try await Command.git(["am", "-q", patches.path + "/" + files[0]], in: folder.path)
        #expect(am.status == 0, "\(am.output)")
        let pytest = try await Command.run("python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/integration/test_websocket_message_flow_integration.py"], in: folder.path,
                                           environment: ["PYTHONDONTWRITEBYTECODE": "1"])
        #expect(pytest.output.contains("5 passed"), "\(pytest.output)")
    }

    @Test func triagePrintsTheSeedReport() async throws {
        let result = try await remedy(["triage", Fixtures.path("pytest/demo-rA.txt"), "--repo", Fixtures.packageRoot + "/demo"])
        #expect(result.status == 0)
        #expect(result.output.contains("Root causes, by tests affected"))
        #expect(result.output.contains("tests/integration/test_websocket_message_flow_integration.py: 5 tests, 6 call sites"))
        #expect(result.output.contains("rule: python.missing-method"))
        #expect(!result.output.contains("\u{1B}["), "no colour when not on a terminal")
    }

    /// A reader that goes away before the results are written (`remedy … | head`; here
    /// `true`, gone before remedy starts) is not a crash: no trap, no stack trace, exit 0.
    @Test(arguments: [["triage", Fixtures.path("pytest/demo-rA.txt")], ["playbooks", "list"], ["symbols", Fixtures.packageRoot + "/demo", "--format", "json"]])
    func aReaderThatGoesAwayEndsTheWritingQuietly(arguments: [String]) async throws {
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let result = try await Command.run("bash", ["-c", "set -o pipefail; { sleep 0.3; '\(Fixtures.remedyBinary)' \(quoted); } | true"], in: "/",
                                           environment: ["NO_COLOR": "1"])
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.output.contains("Fatal error"), "\(result.output)")
    }

    @Test func aCopiedBinaryStillFindsItsPlaybooks() async throws {
        let folder = TemporaryFolder("copy")
        let copy = folder.path + "/remedy"
        try FileManager.default.copyItem(atPath: Fixtures.remedyBinary, toPath: copy)
        let result = try await Command.run(copy, ["playbooks", "list"], in: folder.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("python.missing-method"))
    }

    @Test(arguments: [
        (["triage", "/no/such/log.txt"], "no such log file"),
        (["fix", "--repo", "/tmp"], "not a git repository"),
        (["triage"], "Missing expected argument"),
        (["fix", "--mode", "sideways"], "sideways"),
        (["fix", "--test-timeout", "0"], "--test-timeout"),
    ])
    func badInputExitsWithTwoAndOneClearLine(arguments: [String], expected: String) async throws {
        let result = try await remedy(arguments)
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains(expected), "\(result.output)")
        #expect(!result.output.contains("Fatal error"))
    }

    @Test func logsWithNothingToFixAndUnknownFormats() async throws {
        let folder = try await demoRepository()
        try folder.write(["passing.txt": "============ test session starts ============\nPASSED tests/test_chat_router.py::test_open_session_names_the_user\n====== 1 passed in 0.01s ======\n",
                          "garbage.txt": "just some words\n"])
        let nothing = try await remedy(["fix", folder.path + "/passing.txt", "--repo", folder.path])
        #expect(nothing.status == 0, "\(nothing.output)")
        #expect(nothing.output.contains("Nothing to fix"))
        let unknown = try await remedy(["triage", folder.path + "/garbage.txt"])
        #expect(unknown.status == 2)
        #expect(unknown.output.contains("unknown log format"))
    }

    /// An author's folder: lint flags the backtracking regex with file:line:column and
    /// fails; the same rule still runs bounded, and explain says which field failed.
    @Test func lintFlagsNestedQuantifiersAndExplainNamesTheField() async throws {
        let folder = TemporaryFolder("lint")
        try folder.write([
            "rules/python.slow.yml": """
                schema: remedy/v1
                id: python.slow
                title: Slow
                match:
                  exception: AttributeError
                  message: "^('\\\\w+'\\\\s?)*object has no attribute$"
                strategies: [{ id: s, action: python.add-wrapper-method }]
                """,
            "log.txt": """
                ============================= test session starts ==============================
                collected 1 item

                tests/test_a.py F                                                        [100%]

                =================================== FAILURES ===================================
                ___________________________________ test_a ____________________________________
                tests/test_a.py:3: in test_a
                    A().b()
                E   AttributeError: 'A' object has no attribute 'b'
                =========================== short test summary info ============================
                FAILED tests/test_a.py::test_a - AttributeError: 'A' object has no attribute 'b'
                ============================== 1 failed in 0.01s ===============================
                """,
        ])
        let lint = try await remedy(["playbooks", "lint", folder.path + "/rules"])
        #expect(lint.status == 1, "\(lint.output)")
        #expect(lint.output.contains("warning: \(folder.path)/rules/python.slow.yml:6:12: the message regex repeats a group"), "\(lint.output)")
        let explain = try await remedy(["explain", folder.path + "/log.txt", "--rule", "python.slow", "--playbooks", folder.path + "/rules", "--repo", folder.path])
        #expect(explain.status == 0, "\(explain.output)")
        #expect(explain.output.contains("no match  python.slow"), "\(explain.output)")
        #expect(explain.output.contains("message: the message does not match"), "\(explain.output)")
    }

    /// On a terminal, a step is one live line (spinner, running time) that the next step
    /// replaces; piped, the same steps are plain lines with no control codes.
    @Test func progressIsALiveLineOnATerminalAndPlainOtherwise() async throws {
        let folder = try await TemporaryFolder.committedRepository("live", files: ["tests/test_ok.py": "def test_ok():\n    assert True\n"])
        let command = "\(Fixtures.remedyBinary) fix --repo \(folder.path) > /dev/null"
        let terminal = try await Command.run("env", ["-u", "CI", "TERM=xterm", "script", "-q", "-e", "-c", command, "/dev/null"], in: folder.path)
        #expect(terminal.output.contains("\r\u{1B}[Kremedy: running the test suite on HEAD"), "\(terminal.output)")
        let piped = try await Command.run("env", ["-u", "CI", Fixtures.remedyBinary, "fix", "--repo", folder.path], in: folder.path)
        #expect(piped.output.contains("remedy: running the test suite on HEAD\n"), "\(piped.output)")
        #expect(!piped.output.contains("\u{1B}"), "\(piped.output)")
    }

    /// Several JUnit reports (two producers here) are streamed into one run: totals add up,
    /// each file keeps its rows, and the causes of both are there.
    @Test func severalJUnitReportsMergeIntoOneRun() async throws {
        let result = try await remedy(["triage", Fixtures.path("junit/xmlrunner-unittest.xml"), Fixtures.path("junit/ant-junit4.xml"),
                                       "--no-probe", "--format", "json", "--repo", "/nonexistent"])
        #expect(result.status == 0, "\(result.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let totals = try #require(json["totals"] as? [String: Int])
        #expect(totals["total"] == 8 && totals["passed"] == 2 && totals["failed"] == 2 && totals["errors"] == 2 && totals["skipped"] == 2)
        #expect((json["sources"] as? [String])?.count == 2)
        #expect((json["causes"] as? [[String: Any]])?.count == 4)
    }

    /// A fix that lets skipped tests run, which then fail with another finding's cause:
    /// the tests are unmasked (not regressed), and the other finding's branch is stacked
    /// on this fix, verified with both. A second run proposes nothing new.
    @Test func dependentFixesAreStacked() async throws {
        let folder = try await TemporaryFolder.committedRepository("stacked", files: [
            "app/__init__.py": "", "app/storage/__init__.py": "",
            "app/storage/cache.py": "class MemoryCache:\n    def __init__(self):\n        self._items = {}\n\n    def get_value(self, key, default=None):\n        return self._items.get(key, default)\n\n    def set(self, key, value):\n        self._items[key] = value\n",
            "app/services.py": "from app.cache import MemoryCache\n\n\nclass CacheService:\n    def __init__(self):\n        self.cache = MemoryCache()\n\n    def lookup(self, key):\n        return self.cache.getvalue(key)\n\n    def name(self):\n        return \"cache\"\n",
            "tests/test_app.py": "from app.services import CacheService\n\n\ndef test_service_has_a_name():\n    assert CacheService().name() == \"cache\"\n",
            "tests/test_services.py": "import pytest\n\ntry:\n    from app.services import CacheService\n    SERVICES = True\nexcept ImportError:\n    SERVICES = False\n\n\n@pytest.mark.skipif(not SERVICES, reason=\"services unavailable\")\ndef test_lookup_of_a_missing_key():\n    assert CacheService().lookup(\"a\") is None\n",
            "tests/test_cache.py": "from app.storage.cache import MemoryCache\n\n\ndef test_getvalue_after_set():\n    cache = MemoryCache()\n    cache.set(\"a\", 1)\n    assert cache.getvalue(\"a\") == 1\n",
        ])
        let log = try await Command.run("python3", ["-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "--continue-on-collection-errors"], in: folder.path,
                                        environment: ["PYTHONDONTWRITEBYTECODE": "1"])
        try folder.write(["../stacked.log": log.output])
        let logPath = (folder.path as NSString).deletingLastPathComponent + "/stacked.log"
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        // Without the probe, the skip stays a skip: the import fix is what lets it run.
        let first = try await remedy(["fix", logPath, "--repo", folder.path, "--no-probe"])
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("unmasked, not a regression; finding 1's cause, which depends on this fix"), "\(first.output)")
        #expect(first.output.contains("stacked on finding 2's fix"), "\(first.output)")
        let branch = try #require(first.output.split(separator: "\n").first { $0.contains("branch remedy/python.missing-method/") }?
            .split(separator: " ").first { $0.hasPrefix("remedy/python.missing-method/") }).description
        let subjects = try await Command.git(["log", "--format=%s", "HEAD.." + branch], in: folder.path).output
        #expect(subjects.split(separator: "\n") == ["Add MemoryCache.getvalue delegating to get_value", "Import from app.storage.cache instead of app.cache (1 import in 1 file)"])
        let message = try await Command.git(["log", "-1", "--format=%B", branch], in: folder.path).output
        #expect(message.contains("Stacked on the fix for finding 2 (python.missing-module)"))
        #expect(message.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last?.hasPrefix("Remedy-Signature: ") == true)
        try await Command.git(["checkout", "-q", branch], in: folder.path)
        let pytest = try await Command.run("python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider"], in: folder.path, environment: ["PYTHONDONTWRITEBYTECODE": "1"])
        #expect(pytest.output.contains("3 passed"), "\(pytest.output)")
        try await Command.git(["checkout", "-q", "-"], in: folder.path)
        let second = try await remedy(["fix", logPath, "--repo", folder.path, "--no-probe"])
        #expect(second.output.components(separatedBy: "already proposed").count == 3, "\(second.output)")
    }
}
