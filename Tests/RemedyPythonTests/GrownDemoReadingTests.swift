import Foundation
import Testing
import RemedyCore
import RemedyTestSupport
@testable import RemedyPython

/// The grown demo's run (skips behind guarded imports, a collection error, a deprecation
/// warning), captured from real pytest runs in several output styles.
@Suite struct GrownDemoReadingTests {
    let reader = PythonPack(root: Fixtures.packageRoot + "/demo").logReader

    func read(_ fixture: String) throws -> TestRun {
        try reader.read(bytes: Fixtures.bytes("pytest/" + fixture), source: fixture)
    }

    @Test(arguments: ["grown-rA.txt", "grown-xunit1.xml", "grown-v-tbline.txt"])
    func countsAgreeAcrossStyles(fixture: String) throws {
        let totals = try read(fixture).totals
        #expect(totals.total == 19)
        #expect(totals.failed == 8)
        #expect(totals.errors == 1)
        #expect(totals.skipped == 6)
        #expect(totals.passed == 4)
    }

    @Test(arguments: ["grown-rA.txt", "grown-v-tbline.txt", "grown-q-tbnative.txt"])
    func messagesInEveryTracebackStyle(fixture: String) throws {
        let run = try read(fixture)
        let failing = run.cases.filter { $0.outcome == .failed }
        #expect(failing.count == 8)
        #expect(failing.allSatisfy { $0.failure?.exceptionType == "AttributeError" }, "\(failing.map { $0.failure?.exceptionType ?? "-" })")
        let collection = try #require(run.cases.first { $0.outcome == .error })
        #expect(collection.id == "tests/integration/test_llm_provider_integration.py")
        #expect(collection.failure?.message == "No module named 'app.llm_providers'")
    }

    @Test func nativeTracebacksGiveFrames() throws {
        let run = try read("grown-q-tbnative.txt")
        let test = try #require(run.cases.first { $0.id.hasSuffix("test_users_are_isolated") || $0.failure?.frames.contains { $0.path.hasSuffix("test_websocket_message_flow_integration.py") } == true })
        #expect(test.failure?.frames.contains { $0.path.hasSuffix("tests/integration/test_websocket_message_flow_integration.py") } == true)
    }

    @Test(arguments: ["grown-rA.txt", "grown-v-tbline.txt", "grown-q-tbno-rfEs.txt"])
    func theDeprecationWarningIsRead(fixture: String) throws {
        let warning = try #require(try read(fixture).warnings.first)
        #expect(warning.category == "DeprecationWarning")
        #expect(warning.message == "shared.logging.unified_logger_factory is deprecated; use shared.logging.unified_logging_ssot")
        #expect(warning.path == "/home/dev/project/tests/test_logging.py")
        #expect(warning.line == 1)
    }

    /// `-q --tb=no -rfEs` names no passing test and no message: Remedy reads what is there
    /// and says what is missing.
    @Test func aLogWithoutMessagesOrPassesSaysSo() throws {
        let run = try read("grown-q-tbno-rfEs.txt")
        #expect(run.totals.total == 15)
        #expect(run.totals.skipped == 6)
        #expect(run.diagnostics.contains { $0.contains("9 failing tests have no message in this log") })
        #expect(run.diagnostics.contains { $0.contains("the log names 15 of the 19 tests pytest counted") })
    }

    @Test func skipReasonsPerFile() throws {
        let run = try read("grown-rA.txt")
        let reasons = Dictionary(grouping: run.cases.filter { $0.outcome == .skipped }, by: { $0.failure?.message ?? "" }).mapValues(\.count)
        #expect(reasons == ["WebSocket or Agent system not available": 3, "Complete system not available": 2, "Streaming replies are not implemented yet": 1])
    }
}

/// The guarded-import probe: finding the guards, and running them with a real interpreter.
@Suite struct GuardedImportProbeTests {
    @Test func findsImportsGuardedByImportErrorHandlers() {
        let source = PythonSource(text: """
            import os
            try:
                from a.b import C  # guarded
                import d.e as f
                OK = True
            except (ImportError, AttributeError):
                OK = False

            try:
                from g import h
            except KeyError:
                pass

            def test_x():
                try:
                    import inner
                except ImportError:
                    pass
            """)
        let guarded = GuardedImportProbe.guardedImports(in: source)
        #expect(guarded.map(\.statement) == ["from a.b import C", "import d.e as f"])
        #expect(guarded.map(\.line) == [3, 4])
    }

    @Test func revealsTheImportFailureBehindSkippedTests() async throws {
        let root = Fixtures.packageRoot + "/demo"
        let pack = PythonPack(root: root)
        let run = try pack.logReader.read(bytes: Fixtures.bytes("pytest/grown-xunit1.xml"), source: "grown")
        let revealed = await GuardedImportProbe(python: "python3").reveal(run, root: root)
        let agent = revealed.cases.filter { $0.file == "tests/integration/test_agent_execution_integration.py" }
        #expect(agent.count == 3)
        #expect(agent.allSatisfy { $0.outcome == .skipped && $0.skipReason == "WebSocket or Agent system not available" })
        #expect(agent.allSatisfy { $0.failure?.message == "No module named 'app.agents.supervisor_agent_modern'" && $0.failure?.phase == .collection })
        let router = try #require(revealed.cases.first { $0.file == "tests/test_chat_router.py" && $0.outcome == .skipped })
        #expect(router.skipReason == nil, "a skip with no guarded import is left as it is")
        let clusters = Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: root).clusters(of: revealed)
        #expect(clusters.contains { $0.message == "No module named 'auth_service.auth_core.core'" && $0.tests.count == 2 })
    }

    @Test func aProbeThatCannotRunIsADiagnostic() async throws {
        let root = Fixtures.packageRoot + "/demo"
        let run = try PythonPack(root: root).logReader.read(bytes: Fixtures.bytes("pytest/grown-xunit1.xml"), source: "grown")
        let revealed = await GuardedImportProbe(python: "/no/such/python").reveal(run, root: root)
        #expect(revealed.diagnostics.contains { $0.contains("the guarded-import probe failed") })
        #expect(revealed.cases.filter { $0.skipReason != nil }.isEmpty)
    }
}

/// Import statements and the module index the import actions read.
@Suite struct ImportAndIndexTests {
    @Test func everyImportForm() {
        let source = PythonSource(text: "import a.b as c, d\nfrom . import x\nfrom ..p.q import (y as z,\n    w)  # c\nfrom m import *\n")
        let imports = source.imports
        #expect(imports.map(\.module) == ["a.b", "d", "", "p.q", "m"])
        #expect(imports.map(\.level) == [0, 0, 1, 2, 0])
        #expect(imports[0].names == [PythonImport.Name(name: "a.b", alias: "c")])
        #expect(imports[3].names == [PythonImport.Name(name: "y", alias: "z"), PythonImport.Name(name: "w", alias: nil)])
        #expect(source.text(imports[3].moduleRange) == "..p.q")
        #expect(imports[3].line == 3)
        #expect(source.topLevelNames.isSuperset(of: ["c", "d", "x", "z", "w"]))
    }

    @Test func theIndexFindsWhereNamesLive() {
        let index = PythonModuleIndex(root: Fixtures.packageRoot + "/demo")
        #expect(index.module("app.agents.supervisor")?.defines.contains("SupervisorAgent") == true)
        #expect(index.modules(defining: ["SupervisorAgent"]).map(\.name) == ["app.agents.supervisor"])
        #expect(index.modules(defining: ["get_logger"]).map(\.name) == ["shared.logging.unified_logging_ssot"], "definers before re-exporters")
        #expect(PythonModuleIndex.moduleName("src/pkg/__init__.py") == "pkg")
    }
}
