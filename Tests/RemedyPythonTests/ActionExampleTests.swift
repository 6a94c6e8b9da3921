import Foundation
import Testing
import RemedyCore
import RemedyTestSupport
@testable import RemedyPython

/// Every built-in action's own examples (before → after, and cases where it must not
/// apply), run as one parameterised test; each example points at itself on failure.
@Suite struct ActionExampleTests {
    static let cases: [(String, ActionExample)] = PythonPack.builtInActions.flatMap { action in action.examples.map { (action.id, $0) } }

    @Test(arguments: cases.indices)
    func example(_ index: Int) {
        let (id, example) = Self.cases[index]
        let action = PythonPack.builtInActions.first { $0.id == id }!
        let problems = example.check(action)
        #expect(problems.isEmpty, "\(id): \(example.name) (\(example.file):\(example.line))\n\(problems.joined(separator: "\n"))")
    }

    @Test func everyActionHasExamplesThatApplyAndThatDoNot() {
        for action in PythonPack.builtInActions {
            #expect(action.examples.contains { $0.after != nil }, "\(action.id)")
            #expect(action.examples.contains { $0.after == nil }, "\(action.id)")
        }
    }

    /// A name the standard library moved: no repository module defines it, so the action
    /// asks the interpreter, which finds it in a submodule of the old one; a name nothing
    /// defines is refused with the repository's reason.
    @Test func rewriteImportAsksTheInterpreterForStandardLibraryNames() async throws {
        let folder = try await TemporaryFolder.committedRepository("stdlib-move", files: [
            "app/registry.py": "from collections import Mapping  # removed in 3.10\n\n\ndef is_mapping(x):\n    return isinstance(x, Mapping)\n",
            "app/other.py": "from json import NoSuchThing\n",
        ])
        let parameters = ["module": "collections", "name": "Mapping", "new": ""]
        let fix = try await RewriteImport().fix(ActionRequest(finding: ActionExample.finding(parameters: parameters), parameters: parameters,
                                                             root: folder.path, interpreter: "python3"))
        #expect(fix.edits.count == 1)
        #expect(fix.edits.first?.text == "collections.abc")
        #expect(fix.notes.contains { $0.contains("lives in collections.abc") }, "\(fix.notes)")
        let missing = ["module": "json", "name": "NoSuchThing", "new": ""]
        await #expect(throws: ActionRefusal.self) {
            try await RewriteImport().fix(ActionRequest(finding: ActionExample.finding(parameters: missing), parameters: missing,
                                                        root: folder.path, interpreter: "python3"))
        }
    }

    /// A package that is neither in the repository nor installed did not move: the
    /// refusal says it is missing, so the user installs it instead of waiting for a fix.
    @Test func aMissingPackageIsSaidToBeMissing() async throws {
        let folder = try await TemporaryFolder.committedRepository("missing-package", files: [
            "app/cache.py": "from remedy_no_such_package.client import Client\n",
        ])
        let parameters = ["module": "remedy_no_such_package.client", "name": "", "new": ""]
        do {
            _ = try await RewriteImport().fix(ActionRequest(finding: ActionExample.finding(parameters: parameters), parameters: parameters,
                                                          root: folder.path, interpreter: "python3"))
            Issue.record("rewrote an import of a package that does not exist")
        } catch let refusal as ActionRefusal {
            #expect(refusal.reason.hasPrefix("remedy_no_such_package is not installed for python3 and is not part of the repository"), "\(refusal.reason)")
        }
    }

    /// The wrapper's output is valid Python: compiled by the real interpreter.
    @Test func wrapperCompiles() async throws {
        let folder = TemporaryFolder()
        for example in AddWrapperMethod().examples where example.after != nil {
            try folder.write(example.after!)
            for path in example.after!.keys {
                let result = try await Command.run("python3", ["-c", "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')", path], in: folder.path)
                #expect(result.status == 0, "\(example.name): \(result.output)")
            }
        }
    }
}

/// The playbooks that ship with Remedy load, and match what they are for.
@Suite struct ShippedPlaybookTests {
    @Test func shippedRulesLoadAndMatchTheDemo() throws {
        let pack = PythonPack(root: Fixtures.packageRoot + "/demo")
        let rules = try PlaybookLoader(actions: pack.actionRegistry).load(folders: [Fixtures.packageRoot + "/playbooks"])
        #expect(rules.map(\.id).contains("python.missing-method"))
        let run = try pack.logReader.read(bytes: Fixtures.bytes("pytest/demo-xunit1.xml"), source: "x")
        let clusters = Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: Fixtures.packageRoot + "/demo").clusters(of: run)
        let findings = RuleMatcher(rules: rules).findings(for: clusters.filter { !$0.isSkip })
        #expect(findings.map(\.rule.id) == ["python.missing-method", "python.missing-method"])
        #expect(findings[1].bindings["class"] == "E2EAuthHelper")
        #expect(findings[1].bindings["name"] == "create_test_user_with_token")
    }
}

/// Every example beside every shipped rule, as `remedy playbooks test` runs them.
@Suite struct ShippedPlaybookExampleTests {
    static let rules: [Rule] = (try? PlaybookLoader(actions: PythonPack().actionRegistry).load(folders: [Fixtures.packageRoot + "/playbooks"])) ?? []

    @Test(arguments: rules.map(\.id))
    func examplesPass(_ id: String) async throws {
        let rule = try #require(Self.rules.first { $0.id == id })
        let results = await PlaybookExamples(pack: PythonPack(), probeInterpreter: "python3").run(rule)
        #expect(!results.isEmpty, "\(id) has no examples beside it")
        for result in results {
            #expect(result.passed, "\(id)/\(result.example): \(result.problems.joined(separator: "\n"))")
        }
    }

    /// A wrong expectation fails: the runner compares byte for byte.
    @Test func aWrongExpectationFails() async throws {
        let copy = TemporaryFolder("playbook-copy")
        try FileManager.default.removeItem(atPath: copy.path)
        try FileManager.default.copyItem(atPath: Fixtures.packageRoot + "/playbooks", toPath: copy.path)
        let expected = copy.path + "/python/python.missing-module/moved-module/after/tests/test_llm.py"
        try Data("from app.somewhere_else import EchoProvider\n".utf8).write(to: URL(fileURLWithPath: expected))
        let rule = try #require(try PlaybookLoader(actions: PythonPack().actionRegistry).load(folders: [copy.path]).first { $0.id == "python.missing-module" })
        let results = await PlaybookExamples(pack: PythonPack(), probeInterpreter: "python3").run(rule)
        let moved = try #require(results.first { $0.example == "moved-module" })
        #expect(!moved.passed)
        #expect(moved.problems.first?.contains("tests/test_llm.py differs from after/") == true)
        #expect(results.filter { $0.example != "moved-module" }.allSatisfy { $0.passed })
    }
}
