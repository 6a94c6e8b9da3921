import Foundation
import Testing
import RemedyCore
import RemedyGit
import RemedyPython
import RemedyTestSupport

/// An action that writes a file Python cannot parse: what a careless rule or plugin does.
private struct BreaksTheFile: Action {
    let id = "test.breaks-the-file"
    let applicability = Applicability.safe
    let parameterNames: [String] = []
    let examples: [ActionExample] = []
    func makeFix(_ request: ActionRequest) throws -> Fix {
        Fix(title: "Break helper.py", edits: [Edit.insert("def broken(:\n", at: 0, in: "helper.py")], applicability: .safe)
    }
}

/// The Python pack with the careless action added.
private struct PackWithBreakingAction: LanguagePack {
    let python = PythonPack()
    var language: String { python.language }
    var dialect: any ResultsDialect { python.dialect }
    var templates: any MessageTemplates { python.templates }
    var scanner: any CallSiteScanner { python.scanner }
    var actions: [any Action] { python.actions + [BreaksTheFile()] }
    func probe(interpreter: String) -> (any SkipProbe)? { nil }
    func validator(interpreter: String) -> (any SourceValidator)? { python.validator(interpreter: interpreter) }
}

/// A fix that leaves a file unparsable is dropped with a message, never kept or published.
@Suite struct FixSafetyTests {
    @Test func aFixThatBreaksAFileIsDropped() async throws {
        let folder = try await TemporaryFolder.committedRepository("safety", files: [
            "helper.py": "class Helper:\n    def go_now(self):\n        return 1\n",
            "test_helper.py": "from helper import Helper\n\n\ndef test_go():\n    assert Helper().go() == 1\n",
        ])

        let pack = PackWithBreakingAction()
        let rule = Rule(id: "test.break", title: "Breaks things", language: "python",
                        match: MatchSpec(exceptions: ["AttributeError"], message: nil, phases: []),
                        strategies: [Strategy(id: "break", action: "test.breaks-the-file", parameters: [:])], file: "test")
        let repository = try Repository(path: folder.path)
        let workflow = FixWorkflow(pack: pack, repository: repository, runner: PytestRunner(python: "python3"), rules: [rule], options: FixOptions(),
                                   validator: pack.validator(interpreter: "python3"))
        let run = try await workflow.runSuiteOnHead(runID: "safety")
        let summary = try await workflow.run(run, runID: "safety")

        let attempt = try #require(summary.findings.first?.attempts.first)
        guard case let .rejected(reason) = attempt.verdict else {
            Issue.record("the broken fix was not rejected: \(attempt.verdict)")
            return
        }
        #expect(reason.contains("leaves helper.py unparsable (line 1"))
        #expect(summary.findings.first?.branch == nil)
        #expect(summary.findings.first?.patchFile == nil)
        let branches = try await Command.git(["branch", "--list", "remedy*"], in: folder.path).output
        #expect(branches.isEmpty)
    }

    @Test func theCompileCheckNamesTheLine() async throws {
        let folder = TemporaryFolder("compile")
        try folder.write(["good.py": "x = 1\n", "bad.py": "x = 1\nif x\n    pass\n"])
        let problems = await PythonCompileCheck(python: "python3").problems(in: ["good.py", "bad.py", "notes.txt"], root: folder.path)
        #expect(Array(problems.keys) == ["bad.py"])
        #expect(problems["bad.py"]?.hasPrefix("line 2: ") == true)
    }
}
