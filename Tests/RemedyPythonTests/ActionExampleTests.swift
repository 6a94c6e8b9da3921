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
