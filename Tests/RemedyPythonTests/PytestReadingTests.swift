import Foundation
import Testing
import RemedyCore
import RemedyTestSupport
@testable import RemedyPython

/// Reading pytest's reports captured from real runs (Tests/Fixtures/pytest).
@Suite struct PytestReadingTests {
    let reader = PythonPack(root: Fixtures.packageRoot + "/demo").logReader

    func read(_ fixture: String) throws -> TestRun {
        try reader.read(bytes: Fixtures.bytes("pytest/" + fixture), source: fixture)
    }

    static let websocketMessage = "'WebSocketTestClient' object has no attribute 'send_message_and_wait'"

    @Test(arguments: ["demo-rA.txt", "demo-q-rA.txt", "demo-v-tbshort.txt", "demo-xunit1.xml", "demo-xunit2.xml"])
    func everyFormatReadsTheSameRun(fixture: String) throws {
        let run = try read(fixture)
        let totals = run.totals
        #expect(totals.total == 12)
        #expect(totals.failed == 8)
        #expect(totals.passed == 3)
        #expect(totals.skipped == 1)
        let failing = run.cases.filter { $0.outcome == .failed }
        #expect(failing.allSatisfy { $0.failure?.exceptionType == "AttributeError" })
        let isolated = try #require(run.cases.first { $0.id == "tests/integration/test_websocket_message_flow_integration.py::TestConcurrentUsers::test_users_are_isolated" })
        #expect(isolated.failure?.message == Self.websocketMessage)
        #expect(isolated.file == "tests/integration/test_websocket_message_flow_integration.py")
        #expect(isolated.failure?.phase == .call)
        let skipped = try #require(run.cases.first { $0.outcome == .skipped })
        #expect(skipped.failure?.message == "Streaming replies are not implemented yet")
        #expect(skipped.file == "tests/test_chat_router.py")
    }

    @Test func tracebackFramesPointIntoTheTestFile() throws {
        let run = try read("demo-rA.txt")
        let test = try #require(run.cases.first { $0.id.hasSuffix("::test_message_gets_a_reply") })
        #expect(test.failure?.frames.contains(Frame(path: "tests/integration/test_websocket_message_flow_integration.py", line: 12)) == true)
    }

    @Test(arguments: ["collection-error-continue-rA.txt", "collection-error-xunit1.xml", "collection-error-rA.txt"])
    func collectionErrors(fixture: String) throws {
        let run = try read(fixture)
        let error = try #require(run.cases.first { $0.outcome == .error })
        #expect(error.id == "tests/test_guarded.py")
        #expect(error.failure?.exceptionType == "ModuleNotFoundError")
        #expect(error.failure?.message == "No module named 'shared'")
        #expect(error.failure?.phase == .collection)
        if fixture != "collection-error-rA.txt" {
            let keyError = try #require(run.cases.first { $0.id == "tests/test_fine.py::test_name" })
            #expect(keyError.failure?.exceptionType == "KeyError")
            #expect(keyError.failure?.message == "'b'")
        } else {
            #expect(run.diagnostics.contains { $0.contains("Interrupted") })
        }
    }

    /// "ImportError while loading conftest": pytest stops before the session starts; the
    /// conftest (named relative to the root) is the failing collection, with no warning
    /// that the log was cut off. Captured from Jinja2 2.10.3 with MarkupSafe 3.
    @Test func aConftestThatDoesNotImport() throws {
        let run = try PythonPack().logReader.read(path: Fixtures.path("pytest/conftest-importerror.txt"))
        #expect(run.cases.count == 1)
        let conftest = try #require(run.cases.first)
        #expect(conftest.id == "tests/conftest.py" && conftest.outcome == .error)
        #expect(conftest.failure?.phase == .collection)
        #expect(conftest.failure?.exceptionType == "ImportError")
        #expect(conftest.failure?.message.hasPrefix("cannot import name 'soft_unicode' from 'markupsafe'") == true)
        #expect(conftest.failure?.frames.contains { $0.path == "jinja2/utils.py" && $0.line == 642 } == true)
        #expect(run.diagnostics.isEmpty, "\(run.diagnostics)")
    }

    /// pytest itself stops on a conftest of the checkout (pytest 8 no longer accepts the
    /// `path` argument of `pytest_ignore_collect`): the runner reports it as that
    /// conftest's collection error, not as a test command that failed.
    @Test func aConftestThatPytestRejectsIsTheRunsResult() async throws {
        let folder = try await TemporaryFolder.committedRepository("conftest-crash", files: [
            "tests/conftest.py": "def pytest_ignore_collect(path):\n    return False\n",
            "tests/test_ok.py": "def test_ok():\n    assert True\n",
        ])
        let report = try await PytestRunner(python: "python3").run(tests: [], in: folder.path)
        let crash = try #require(report.run.cases.first)
        #expect(report.run.cases.count == 1)
        #expect(crash.id == "tests/conftest.py" && crash.outcome == .error)
        // pytest 9 turns the deprecation into an error; pytest 8 reports a PluginValidationError.
        #expect(crash.failure.map { $0.exceptionType.hasSuffix("Warning") || $0.exceptionType.hasSuffix("Error") } == true, "\(crash)")
        #expect(crash.failure?.message.contains(folder.path) == false)
    }

    /// Parametrised ids hold spaces and brackets (`test_render[{{ [1, 2, 3]|min }}-1]`,
    /// `test_compare[x == y]`): read whole from -rA and -v output, so every test counts.
    @Test(arguments: ["params-spaces-rA.txt", "params-spaces-v.txt"])
    func parametrisedIdsWithSpaces(fixture: String) throws {
        let run = try PythonPack().logReader.read(path: Fixtures.path("pytest/" + fixture))
        #expect(run.totals.passed == 4 && run.totals.failed == 1, "\(run.cases.map(\.id))")
        #expect(run.cases.map(\.id).contains("tests/test_params.py::test_render[{{ [1, 2, 3]|min }}-1]"))
        let failed = try #require(run.cases.first { $0.outcome == .failed })
        #expect(failed.id == "tests/test_params.py::test_render[a b-a b]")
        #expect(failed.failure?.exceptionType == "AssertionError")
        #expect(run.diagnostics.isEmpty, "\(run.diagnostics)")
    }

    /// pytest stopping on its own configuration (Werkzeug 0.14's setup.cfg filters a
    /// warning of a package that is not installed) is said as such, with the cause.
    @Test func aUsageErrorIsSaidAsSuch() {
        do {
            _ = try PythonPack().logReader.read(path: Fixtures.path("pytest/usage-error.txt"))
            Issue.record("read a log with no test run")
        } catch {
            #expect("\(error)".contains("pytest stopped before running any test: UsageError: while parsing the following warning configuration"), "\(error)")
            #expect("\(error)".contains("No module named 'requests'"), "\(error)")
        }
    }

    @Test func hintIsKeptApartFromTheMessage() {
        let dialect = PytestDialect()
        let failure = dialect.failure(message: "AttributeError: 'E2EAuthHelper' object has no attribute 'create_test_user_with_token'. Did you mean: 'create_test_user_with_auth'?",
                                      type: nil, text: "", outcome: .failed)
        #expect(failure.message == "'E2EAuthHelper' object has no attribute 'create_test_user_with_token'")
        #expect(failure.hint == "create_test_user_with_auth")
        let text = "E   AttributeError: 'A' object has no attribute 'x'. Did you mean: 'y'?\n\nt.py:3: AttributeError"
        let fromText = PythonFailureText.failure(text: Substring(text), fallback: nil, phase: .call)
        #expect(fromText.hint == "y")
        #expect(fromText.message == "'A' object has no attribute 'x'")
        // The last marker counts; a message naming "Did you mean" earlier keeps it; non-ASCII text around it.
        let twice = PythonFailureText.splitHint("'Ä' says '. Did you mean: 'q'?' no attribute 'é'. Did you mean: 'è'?")
        #expect(twice.message == "'Ä' says '. Did you mean: 'q'?' no attribute 'é'")
        #expect(twice.hint == "è")
        #expect(PythonFailureText.splitHint("module 'm' has no attribute 'x'").hint == nil)
        #expect(PythonFailureText.trimmingBlanks(" \t in test_x \t") == "in test_x")
        #expect(PythonFailureText.trimmingBlanks("  ") == "")
    }

    /// Frames in each traceback style pytest prints: `--tb=long/auto` (the exception's
    /// line last), `--tb=short` (`in function` lines), `--tb=native`; CRLF line ends and a
    /// path that is not ASCII.
    @Test func framesOfEveryTracebackStyle() {
        let long = """
        self = <tests.test_a.TestA object at 0x7f>

            def test_x(self):
        >       helper.go()
        E       AttributeError: 'H' object has no attribute 'go'

        tests/test_a.py:12: AttributeError
        """
        #expect(PythonFailureText.frames(Substring(long)) == [Frame(path: "tests/test_a.py", line: 12)])
        let short = "tests/test_é.py:5: in test_y\n    run()\nsrc/app/run.py:40: in run\n    raise KeyError('k')\nE   KeyError: 'k'\r\nsrc/app/x.py:7: in  spaced \r\n"
        #expect(PythonFailureText.frames(Substring(short)) == [Frame(path: "tests/test_é.py", line: 5, function: "test_y"),
                                                                Frame(path: "src/app/run.py", line: 40, function: "run"),
                                                                Frame(path: "src/app/x.py", line: 7, function: " spaced")])
        let native = """
        Traceback (most recent call last):
          File "/work/tests/test_b.py", line 9, in test_z
            go()
          File "/work/src/b.py", line 3, in go
            raise ValueError("v")
        ValueError: v
        """
        #expect(PythonFailureText.frames(Substring(native)) == [Frame(path: "/work/tests/test_b.py", line: 9, function: "test_z"),
                                                                 Frame(path: "/work/src/b.py", line: 3, function: "go")])
        #expect(PythonFailureText.frames("E   x.py:3: not a frame\n  indented.py:4: in f\nno frame here").isEmpty)
    }

    @Test func nodeIdsWithoutAFileAttribute() {
        let withRoot = PytestDialect(root: Fixtures.packageRoot + "/demo")
        #expect(withRoot.testIdentity(classname: "tests.integration.test_end_to_end_business_logic_integration.TestBusinessLogic", name: "test_x", file: nil).id
                == "tests/integration/test_end_to_end_business_logic_integration.py::TestBusinessLogic::test_x")
        let noRoot = PytestDialect()
        #expect(noRoot.testIdentity(classname: "pkg.test_mod.TestA.TestB", name: "test_y[1-2]", file: nil).id == "pkg/test_mod.py::TestA::TestB::test_y[1-2]")
        #expect(noRoot.testIdentity(classname: "pkg.test_mod", name: "test_z", file: nil).id == "pkg/test_mod.py::test_z")
        // The first capitalised part after the first is the first class; a capitalised first part makes it all module.
        #expect(noRoot.testIdentity(classname: "Tests.sub.TestX", name: "t", file: nil).id == "Tests/sub/TestX.py::t")
        #expect(noRoot.testIdentity(classname: "pkg.test_é.Ñandú.Inner", name: "t", file: nil).id == "pkg/test_é.py::Ñandú::Inner::t")
        #expect(noRoot.testIdentity(classname: "a.b.c", name: "t", file: nil).id == "a/b/c.py::t")
    }

    /// What the streaming reader asks per class name, from the report's bytes: where the
    /// file's part ends, that file, and the classes after it — together the same node id
    /// as `testIdentity`, with and without a file attribute and a repository.
    @Test func aClassNameSplitByBytesGivesTheSameNodeIds() {
        let cases: [(PytestDialect, String, String?)] = [
            (PytestDialect(root: Fixtures.packageRoot + "/demo"), "tests.integration.test_end_to_end_business_logic_integration.TestBusinessLogic", nil),
            (PytestDialect(), "pkg.test_mod.TestA.TestB", nil), (PytestDialect(), "pkg.test_mod", nil),
            (PytestDialect(), "Tests.sub.TestX", nil), (PytestDialect(), "pkg.test_é.Ñandú.Inner", nil),
            (PytestDialect(), "a.b.c", nil), (PytestDialect(), "tests.test_a.TestA", "tests/test_a.py"),
            (PytestDialect(), "tests.test_a", "tests/test_a.py"), (PytestDialect(), "test_a.TestA", "tests/test_a.py"),
        ]
        for (dialect, classname, file) in cases {
            var bytes = classname
            let (id, path) = bytes.withUTF8 { bytes -> (String?, String?) in
                guard let length = dialect.fileKeyLength(classname: bytes, file: file),
                      let path = dialect.filePath(classname: bytes, fileKeyLength: length, file: file) else { return (nil, nil) }
                return (path + "::" + dialect.classPrefix(classname: bytes, fileKeyLength: length) + "t", path)
            }
            let whole = dialect.testIdentity(classname: classname, name: "t", file: file)
            #expect(id == whole.id, "\(classname)")
            #expect(path == whole.file, "\(classname)")
        }
    }

    @Test func badLogsGetClearErrors() {
        func message(_ bytes: [UInt8]) -> String {
            do { _ = try reader.read(bytes: bytes, source: "log.txt"); return "read" } catch { return "\(error)" }
        }
        #expect(message([]) .hasPrefix("log.txt: the log is empty"))
        #expect(message([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]).hasPrefix("log.txt: binary data at byte 4"))
        #expect(message(Array("hello world\nnothing here".utf8)).hasPrefix("log.txt: unknown log format"))
        #expect(message(Array("<html><body></body></html>".utf8)).contains("not a JUnit report"))
        #expect(message(Array("<testsuites><testsuite><testcase name=\"a\" classname=\"t\"></testsuite>".utf8)).hasPrefix("log.txt:1:"))
    }

    @Test func truncatedJUnitGivesAPartialRunAndADiagnostic() throws {
        let bytes = Fixtures.bytes("pytest/demo-xunit1.xml")
        let cut = Array(bytes.prefix(bytes.count / 2))
        let run = try reader.read(bytes: cut, source: "cut.xml")
        #expect(run.cases.count > 0 && run.cases.count < 12)
        #expect(run.diagnostics.contains { $0.contains("cut off") })
    }

    @Test func cutOffTerminalLogIsSaidSo() throws {
        let text = Fixtures.text("pytest/demo-rA.txt")
        let cut = String(text.prefix(text.count * 2 / 3))
        let run = try reader.read(bytes: Array(cut.utf8), source: "cut.txt")
        #expect(run.diagnostics.contains { $0.contains("ends before pytest's final counts") })
    }

    @Test func colouredOutputIsRead() throws {
        let text = Fixtures.text("pytest/demo-rA.txt").replacingOccurrences(of: "FAILED ", with: "\u{1B}[31mFAILED\u{1B}[0m ")
        let run = try reader.read(bytes: Array(text.utf8), source: "colour.txt")
        #expect(run.totals.failed == 8)
    }
}

/// pytest writes a call failure followed by a teardown error as two test cases with one
/// id; both readers count them as pytest does ("1 failed, 1 error").
@Suite struct TeardownErrorTests {
    @Test func bothReadersCountTheFailureAndTheTeardownError() throws {
        let bytes = Fixtures.bytes("pytest/call-failure-teardown-error-xunit1.xml")
        let pack = PythonPack()
        let run = try pack.logReader.read(bytes: bytes, source: "td")
        #expect(run.totals.failed == 1 && run.totals.errors == 1)
        #expect(run.cases.first { $0.outcome == .error }?.failure?.phase == .teardown)
        #expect(run.cases.first { $0.outcome == .error }?.failure?.message == "teardown broke")
        var accumulator = TriageAccumulator(signatures: pack.signatureMaker)
        _ = JUnitStream(dialect: pack.dialect).stream(bytes: bytes, source: "td", into: &accumulator)
        #expect(accumulator.totals == run.totals)
    }
}
