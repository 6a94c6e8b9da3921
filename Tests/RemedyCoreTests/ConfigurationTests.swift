import Testing
@testable import RemedyCore

@Suite struct ConfigurationTests {
    @Test func everyKey() throws {
        let text = """
            playbooks: [team-rules]
            disabled-rules:
              - python.stdlib-time-clock
            python: .venv/bin/python
            test-command: "{python} -m pytest -x --junitxml={junit} {tests}"
            test-timeout: 120
            branch-prefix: bot/
            max-branches: 3
            mode: patch
            unsafe: false
            patch-dir: out/patches
            """
        let c = try RemedyConfiguration.parse(text, file: "/repo/.remedy.yml", root: "/repo")
        #expect(c.playbooks == ["/repo/team-rules"])
        #expect(c.disabledRules == ["python.stdlib-time-clock"])
        #expect(c.python == ".venv/bin/python")
        #expect(c.testCommand == "{python} -m pytest -x --junitxml={junit} {tests}")
        #expect(c.testTimeout == 120)
        #expect(c.branchPrefix == "bot/")
        #expect(c.maxBranches == 3)
        #expect(c.mode == .patch)
        #expect(c.unsafe == false)
        #expect(c.patchDirectory == "/repo/out/patches")
    }

    func error(_ text: String) -> String {
        do { _ = try RemedyConfiguration.parse(text, file: ".remedy.yml", root: "/r"); return "parsed" } catch { return "\(error)" }
    }

    @Test func mistakesPointAtTheirLine() {
        #expect(error("python: x\ntest_command: y\n").hasPrefix(".remedy.yml:2:1: unknown key 'test_command'"))
        #expect(error("mode: sideways\n") == ".remedy.yml:1:7: unknown mode 'sideways' (expected branch, patch or apply)")
        #expect(error("test-timeout: soon\n").hasPrefix(".remedy.yml:1:15: 'test-timeout' must be a whole number"))
        #expect(error("playbooks: {a: b}\n").hasPrefix(".remedy.yml:1:12: 'playbooks' must be a list"))
        #expect(error("- just\n- a list\n").contains("expected a mapping of settings"))
        #expect(error("") == "parsed")
    }
}
