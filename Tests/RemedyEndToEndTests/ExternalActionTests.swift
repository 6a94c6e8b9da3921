import Foundation
import Testing
import RemedyCore
import RemedyPython
import RemedyTestSupport

/// External actions (`exec:`): the protocol, and what Remedy does with a plugin that
/// misbehaves — each refused with a reason naming the plugin, never a crash or a write
/// outside the worktree.
@Suite struct ExternalActionTests {
    /// A playbook folder with one rule whose strategy runs `plugin.sh`, and a committed
    /// project whose test fails with the KeyError the rule matches.
    func setUp(plugin: String) async throws -> (playbooks: TemporaryFolder, project: TemporaryFolder) {
        let playbooks = TemporaryFolder("plugins")
        try playbooks.write([
            "python/python.plugin-test.yml": """
                schema: remedy/v1
                id: python.plugin-test
                title: A rule fixed by a plugin
                match:
                  exception: [KeyError]
                  message: "^'(?<name>\\\\w+)'$"
                strategies:
                  - id: plugin
                    action: exec:python.plugin-test/plugin.sh
                    with: { name: "${name}" }

                """,
            "python/python.plugin-test/plugin.sh": "#!/bin/sh\n" + plugin,
        ])
        chmod(playbooks.path + "/python/python.plugin-test/plugin.sh", 0o755)
        let project = try await TemporaryFolder.committedRepository("plugin-project", files: [
            "helper.py": "SETTINGS = {\"go_now\": 1}\n",
            "test_helper.py": "from helper import SETTINGS\n\n\ndef test_go():\n    assert SETTINGS[\"go\"] == 1\n",
        ])
        return (playbooks, project)
    }

    func plan(_ plugin: String, trace: Bool = false) async throws -> (ChildProcess.Result, TemporaryFolder) {
        let (playbooks, project) = try await setUp(plugin: plugin)
        let result = try await Command.remedy(["plan", "--repo", project.path, "--playbooks", playbooks.path, "--format", "json"] + (trace ? ["--trace-plugins"] : []))
        return (result, project)
    }

    @Test func aWellBehavedPluginsEditsAreApplied() async throws {
        let respond = #"printf '{"edits":[{"path":"helper.py","range":[0,25],"text":"SETTINGS = {\\"go_now\\": 1, \\"go\\": 1}\\n"}],"notes":["Add go"]}'"#
        let (result, _) = try await plan(respond, trace: true)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains(#"+SETTINGS = {\"go_now\": 1, \"go\": 1}"#), "\(result.output)")
        #expect(result.output.contains("remedy: plugin exec:python.plugin-test/plugin.sh request: {"), "--trace-plugins shows the request")
        #expect(result.output.contains(#""params":{"name":"go"}"#))
        #expect(result.output.contains(#""protocol":1"#))
    }

    @Test(arguments: [
        (#"printf '{"edits":[{"path":"../escaped.py","create":true,"text":"x"}]}'"#, "leaves the repository"),
        (#"printf '{"edits":[{"path":"/tmp/absolute.py","create":true,"text":"x"}]}'"#, "paths must be relative"),
        (#"printf '{"edits":[{"path":".git/hooks/pre-commit","create":true,"text":"x"}]}'"#, "touches .git"),
        ("echo 'this is not json'", "not a protocol 1 response"),
        ("echo 'boom' >&2; exit 3", "failed (exit 3): boom"),
        (#"printf '{"error":"the helper has no go_now"}'"#, "the helper has no go_now"),
        ("sleep 600", "did not answer within"),
    ])
    func aMisbehavingPluginIsRefused(plugin: String, reason: String) async throws {
        let (playbooks, project) = try await setUp(plugin: plugin)
        // A short time limit for the hanging one, through REMEDY_PLUGIN_TIMEOUT.
        let result = try await Command.run(Fixtures.remedyBinary, ["fix", "--repo", project.path, "--playbooks", playbooks.path],
                                           in: "/", environment: ["NO_COLOR": "1", "REMEDY_PLUGIN_TIMEOUT": "2"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains(reason), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: project.path + "/../escaped.py"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/absolute.py") || reason != "paths must be relative")
        let branches = try await Command.git(["branch", "--list", "remedy*"], in: project.path).output
        #expect(branches.isEmpty)
    }

    @Test func aMissingPluginIsAPlaybookError() throws {
        let playbooks = TemporaryFolder("plugins-missing")
        try playbooks.write(["python/python.nothing.yml": "schema: remedy/v1\nid: python.nothing\ntitle: t\nmatch: { exception: [KeyError] }\nstrategies:\n  - id: s\n    action: exec:python.nothing/missing.py\n"])
        do {
            _ = try PlaybookLoader(actions: PythonPack().actionRegistry).load(folders: [playbooks.path])
            Issue.record("loaded a rule whose plugin does not exist")
        } catch {
            #expect("\(error)".contains("python.nothing.yml:7:13: action 'exec:python.nothing/missing.py':"))
            #expect("\(error)".contains("is not an executable file"))
        }
    }
}
