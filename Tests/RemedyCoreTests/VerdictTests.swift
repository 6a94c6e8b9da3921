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

    /// A conftest that did not load stands for the tests under its folder once it loads:
    /// fixed when none of them fails with its cause, whatever else they show (failures it
    /// hid are other causes); unchanged while one still does.
    @Test func aConftestStandsForTheTestsUnderItsFolder() {
        let importError = Failure(exceptionType: "ImportError", message: "cannot import name 'soft_unicode' from 'markupsafe'", phase: .collection)
        let target = maker.signature(for: importError)
        let before = TestRun(cases: [TestCase(id: "tests/conftest.py", file: "tests/conftest.py", outcome: .error, failure: importError)])
        let other = Failure(exceptionType: "AssertionError", message: "Traceback did not match", phase: .call)
        let loaded = TestRun(cases: [TestCase(id: "tests/test_a.py::test_x", file: "tests/test_a.py", outcome: .passed),
                                     TestCase(id: "tests/test_b.py::test_y", file: "tests/test_b.py", outcome: .failed, failure: other),
                                     TestCase(id: "docs/test_c.py::test_z", file: "docs/test_c.py", outcome: .failed, failure: importError)])
        #expect(Verdict.decide(targets: ["tests/conftest.py"], before: before, after: loaded, signatures: maker, cause: target).0 == .fixed)
        let still = TestRun(cases: [TestCase(id: "tests/test_a.py::test_x", file: "tests/test_a.py", outcome: .error, failure: importError)])
        #expect(Verdict.decide(targets: ["tests/conftest.py"], before: before, after: still, signatures: maker, cause: target).0 == .unchanged)
    }

    /// A test skipped before that runs and fails after the fix is unmasked — evidence of a
    /// dependent cause — and never a regression; a test that passed and fails is.
    @Test func unmaskedIsNotARegression() {
        let other = Failure(exceptionType: "AttributeError", message: "'Cache' object has no attribute 'fetch'", phase: .call)
        let before = run([("t1", .failed, cause), ("t2", .failed, cause), ("t3", .skipped, nil), ("t4", .passed, nil)])
        let after = run([("t1", .passed, nil), ("t2", .passed, nil), ("t3", .failed, other), ("t4", .passed, nil)])
        #expect(decide(before, after) == .fixed)
        let unmasked = Verdict.unmasked(targets: ["t1", "t2"], before: before, after: after, signatures: maker)
        #expect(unmasked.map(\.test) == ["t3"])
        #expect(unmasked.first?.signature == maker.signature(for: other).hash)
        #expect(unmasked.first?.cause == "AttributeError: 'Cache' object has no attribute 'fetch'")
        #expect(Verdict.unmasked(targets: ["t1", "t2", "t3"], before: before, after: after, signatures: maker).isEmpty)
    }

    /// A skip the log named by file and line ("tests/x.py:41") is found again by its file
    /// in a run that names tests by id: still skipped is unchanged, not "not reproduced".
    @Test func aTestNamedByFileAndLineIsFoundByItsFile() {
        let hidden = Failure(exceptionType: "ModuleNotFoundError", message: "No module named 'redis'", phase: .skip)
        let target = maker.signature(for: hidden)
        var skipped = TestCase(id: "tests/test_cache.py::test_redis", file: "tests/test_cache.py", outcome: .skipped, failure: hidden)
        skipped.skipReason = "redis not installed"
        let run = TestRun(cases: [skipped, TestCase(id: "tests/test_cache.py::test_memory", file: "tests/test_cache.py", outcome: .passed)])
        #expect(Verdict.decide(targets: ["tests/test_cache.py:41", "tests/test_cache.py:41#2"], before: run, after: run, signatures: maker, cause: target).0 == .unchanged)
        #expect(Verdict.locatedFile("tests/x.py:41#2") == "tests/x.py")
        #expect(Verdict.locatedFile("tests/x.py") == nil)
    }
}
