import Testing
@testable import RemedyCore

@Suite struct VerdictTests {
    let maker = SignatureMaker(templates: TemplateList([]))
    let cause = Failure(exceptionType: "AttributeError", message: "'A' object has no attribute 'x'", phase: .call)

    func run(_ outcomes: [(String, Outcome, Failure?)]) -> TestRun {
        TestRun(cases: outcomes.map { TestCase(id: $0.0, file: "t.py", outcome: $0.1, failure: $0.2) })
    }

    func decide(_ before: TestRun, _ after: TestRun) -> Verdict {
        Verdict.decide(targets: ["t1", "t2"], before: before, after: after, signatures: maker, cause: maker.signature(for: cause)).0
    }

    @Test func fixedWhenTargetsPassAndNothingRegresses() {
        let before = run([("t1", .failed, cause), ("t2", .failed, cause), ("t3", .passed, nil)])
        let after = run([("t1", .passed, nil), ("t2", .passed, nil), ("t3", .passed, nil)])
        #expect(decide(before, after) == .fixed)
    }

    @Test func regressedWhenAPassingTestFails() {
        let before = run([("t1", .failed, cause), ("t2", .failed, cause), ("t3", .passed, nil)])
        let broken = Failure(exceptionType: "TypeError", message: "boom", phase: .call)
        let after = run([("t1", .passed, nil), ("t2", .passed, nil), ("t3", .failed, broken)])
        #expect(decide(before, after) == .regressed(["t3"]))
    }

    @Test func improvedWhenTheFailureChanges() {
        let before = run([("t1", .failed, cause), ("t2", .failed, cause)])
        let other = Failure(exceptionType: "AttributeError", message: "'dict' object has no attribute 'startswith'", phase: .call)
        let after = run([("t1", .failed, other), ("t2", .passed, nil)])
        #expect(decide(before, after) == .improved("AttributeError: 'dict' object has no attribute 'startswith'"))
    }

    @Test func unchangedWhenTheSameFailureRemains() {
        let before = run([("t1", .failed, cause), ("t2", .failed, cause)])
        #expect(decide(before, before) == .unchanged)
    }

    @Test func notReproducedWhenTargetsAlreadyPass() {
        let before = run([("t1", .passed, nil), ("t2", .passed, nil)])
        #expect(decide(before, before) == .notReproduced)
    }

    @Test func missingTargetIsNotFixed() {
        let before = run([("t1", .failed, cause), ("t2", .failed, cause)])
        let after = run([("t1", .passed, nil)])
        #expect(decide(before, after) != .fixed)
    }
}
