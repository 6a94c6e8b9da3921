import Foundation
import Testing
import RemedyCore
import RemedyTestSupport
@testable import RemedyPython

/// Clustering the demo's real run, with call sites found by scanning the demo's files.
@Suite struct TriageTests {
    let root = Fixtures.packageRoot + "/demo"

    func clusters(_ fixture: String) throws -> [Cluster] {
        let pack = PythonPack(root: root)
        let run = try pack.logReader.read(bytes: Fixtures.bytes("pytest/" + fixture), source: fixture)
        return Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: root).clusters(of: run)
    }

    @Test func oneClusterPerRenamedMethodRankedByTests() throws {
        let all = try clusters("demo-rA.txt")
        let failures = all.filter { !$0.isSkip }
        #expect(failures.count == 2)
        #expect(failures[0].signature.parameters == ["class": "WebSocketTestClient", "name": "send_message_and_wait"])
        #expect(failures[0].tests.count == 5)
        #expect(failures[0].files == [FileImpact(path: "tests/integration/test_websocket_message_flow_integration.py", tests: 5, callSites: 6)])
        #expect(failures[1].signature.parameters == ["class": "E2EAuthHelper", "name": "create_test_user_with_token"])
        #expect(failures[1].files == [FileImpact(path: "tests/integration/test_end_to_end_business_logic_integration.py", tests: 3, callSites: 3)])
        #expect(all.filter(\.isSkip).map(\.message) == ["Streaming replies are not implemented yet"])
    }

    @Test func junitAndTextGiveTheSameSignatures() throws {
        let text = try clusters("demo-rA.txt").map(\.signature.hash)
        let junit = try clusters("demo-xunit2.xml").map(\.signature.hash)
        #expect(text == junit)
    }

    /// A skipped test has no traceback, yet its calls count.
    @Test func callSitesCountFilesWhoseTestsWereSkipped() throws {
        let folder = TemporaryFolder()
        try folder.write([
            "tests/test_skipped.py": "import pytest\n\n@pytest.mark.skip(reason='x')\ndef test_a(helper):\n    helper.create_test_user_with_token('a')\n    helper.create_test_user_with_token('b')\n",
            "tests/test_failing.py": "def test_b(helper):\n    helper.create_test_user_with_token('c')\n",
        ])
        let run = TestRun(cases: [
            TestCase(id: "tests/test_skipped.py::test_a", file: "tests/test_skipped.py", outcome: .skipped, failure: Failure(exceptionType: Failure.skippedType, message: "x", phase: .skip)),
            TestCase(id: "tests/test_failing.py::test_b", file: "tests/test_failing.py", outcome: .failed,
                     failure: Failure(exceptionType: "AttributeError", message: "'E2EAuthHelper' object has no attribute 'create_test_user_with_token'", phase: .call)),
        ])
        let pack = PythonPack(root: folder.path)
        let cluster = try #require(Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: folder.path).clusters(of: run).first)
        #expect(cluster.files == [FileImpact(path: "tests/test_failing.py", tests: 1, callSites: 1), FileImpact(path: "tests/test_skipped.py", tests: 0, callSites: 2)])
    }

    @Test func reportRendersTheSeedSections() throws {
        let pack = PythonPack(root: root)
        let run = try pack.logReader.read(bytes: Fixtures.bytes("pytest/demo-rA.txt"), source: "demo-rA.txt")
        let clusters = Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: root).clusters(of: run)
        let report = TriageReport(run: run, clusters: clusters, findings: [], signatures: pack.signatureMaker)
        #expect(report.rates.execution == 91.7)
        #expect(report.rates.failure == 72.7)
        let text = try report.render(.text)
        #expect(text.contains("TOTAL                                                               12       3       8       0        1"))
        #expect(text.contains("1. AttributeError: 'WebSocketTestClient' object has no attribute 'send_message_and_wait'"))
        let markdown = try report.render(.markdown)
        #expect(markdown.contains("| `tests/integration/test_end_to_end_business_logic_integration.py` | 3 | 0 | 3 | 0 | 0 | failing |"))
        let json = try JSONSerialization.jsonObject(with: Data(try report.render(.json).utf8)) as? [String: Any]
        #expect(json?["schema"] as? String == "remedy/triage/v1")
        #expect((json?["causes"] as? [Any])?.count == 2)
    }

    /// A cause and a skip reason spread over 14 files: text and markdown name the 10 files
    /// hit hardest and count the rest; JSON lists all 14.
    @Test func longFileListsAreCutInTextAndMarkdownOnly() throws {
        var cases: [TestCase] = []
        for k in 0..<14 {
            let file = "tests/test_f\(k).py"
            // File 13 has the most failing tests, so it is listed first.
            for n in 0..<(k == 13 ? 3 : 1) {
                cases.append(TestCase(id: "\(file)::test_\(n)", file: file, outcome: .failed,
                                      failure: Failure(exceptionType: "ModuleNotFoundError", message: "No module named 'gone'", phase: .call)))
            }
            cases.append(TestCase(id: "\(file)::test_skip", file: file, outcome: .skipped,
                                  failure: Failure(exceptionType: Failure.skippedType, message: "system not available", phase: .skip)))
        }
        let run = TestRun(cases: cases)
        let pack = PythonPack(root: "/nonexistent")
        let clusters = Triage(signatures: pack.signatureMaker).clusters(of: run)
        let report = TriageReport(run: run, clusters: clusters, findings: [], signatures: pack.signatureMaker)
        let text = try report.render(.text)
        #expect(text.contains("     tests/test_f13.py: 3 tests\n     tests/test_f0.py: 1 test\n"))
        #expect(text.contains("     … and 4 more files (--format json lists them all)"))
        #expect(!text.contains("tests/test_f12.py: 1 test"))
        #expect(text.contains("14 tests: system not available — tests/test_f0.py, tests/test_f1.py,"))
        #expect(text.contains("tests/test_f9.py and 4 more\n"))
        let markdown = try report.render(.markdown)
        #expect(markdown.contains("- `tests/test_f13.py` (3 tests)\n- `tests/test_f0.py` (1 test)"))
        #expect(markdown.contains("- … and 4 more files (--format json lists them all)"))
        #expect(markdown.contains("`tests/test_f9.py` and 4 more)"))
        #expect(!(markdown.components(separatedBy: "## Root causes").last ?? "").contains("test_f12"), "the suite table lists every file; the causes do not")
        let json = try #require(JSONSerialization.jsonObject(with: Data(try report.render(.json).utf8)) as? [String: Any])
        let cause = try #require((json["causes"] as? [[String: Any]])?.first)
        #expect((cause["files"] as? [Any])?.count == 14)
        #expect(((json["skips"] as? [[String: Any]])?.first?["files"] as? [Any])?.count == 14)
    }
}

/// The streamed triage of one JUnit report equals the triage of the run read whole.
@Suite struct StreamedTriageTests {
    /// Each fixture read in one pass and in three parts on two cores (forced on a small
    /// report), skips held back for the probe or counted at once.
    @Test(arguments: ["pytest/demo-xunit1.xml", "pytest/demo-xunit2.xml", "pytest/grown-xunit1.xml", "pytest/collection-error-xunit1.xml",
                      "junit/xmlrunner-unittest.xml", "junit/ant-junit4.xml"], [false, true])
    func streamingGivesTheSameReport(fixture: String, inHalves: Bool) throws {
        let root = Fixtures.packageRoot + "/demo"
        let pack = PythonPack(root: root)
        let bytes = Fixtures.bytes(fixture)
        let run = try pack.logReader.read(bytes: bytes, source: fixture)
        let whole = Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: root).clusters(of: run)

        for holdSkips in [true, false] {
            var stream = JUnitStream(dialect: pack.dialect)
            stream.parallelThreshold = inHalves ? 1 : .max
            stream.sharing = .fixedParts(3)
            var accumulator = TriageAccumulator(signatures: pack.signatureMaker)
            let leftover = stream.stream(bytes: bytes, source: fixture, into: &accumulator, holdSkips: holdSkips)
            #expect(leftover.skipped.isEmpty == (!holdSkips || run.totals.skipped == 0))
            for testCase in leftover.skipped { accumulator.add(testCase) }
            let streamed = accumulator.clusters(scanner: pack.scanner, root: root)

            #expect(accumulator.totals == run.totals)
            // Each file's counts (the suite table), passing tests included.
            var byFile: [String: Totals] = [:]
            for testCase in run.cases { byFile[testCase.file, default: Totals()].add(testCase.outcome) }
            #expect(Dictionary(uniqueKeysWithValues: accumulator.files.map { ($0.path, $0.totals) }) == byFile)
            #expect(streamed.map(\.signature.hash) == whole.map(\.signature.hash))
            #expect(streamed.map(\.tests) == whole.map(\.tests))
            #expect(streamed.map(\.files) == whole.map(\.files))
            #expect(streamed.map(\.phases) == whole.map(\.phases))
            #expect(streamed.map(\.outcomes) == whole.map(\.outcomes))
            #expect(leftover.diagnostics.isEmpty)
        }
    }

    /// A report whose parts share files, causes, skip reasons and even a repeated test:
    /// read in parts on two cores it gives what one pass gives, in the same order — in two
    /// or five fixed parts, and in parts shared out as the cores read (small steps, so
    /// that they take from each other often; how often depends on the machine, see
    /// ReadingShareTests). The large one also merges its clusters and makes them on two cores.
    @Test(arguments: [(1200, 17), (30000, 2500)])
    func partsMergeAsOnePass(tests: Int, files: Int) throws {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites><testsuite name=\"pytest\" tests=\"\(tests)\">"
        // A test near the end that fails as test 110 does (k % 11 == 0, the same k % 4).
        let repeatAt = try #require(stride(from: tests - 1, through: 0, by: -1).first { $0 % 44 == 22 })
        for k in 0..<tests {
            let file = "tests.test_m\(k % files)"
            // test_110 fails in the first part and again, with the same message, in the last.
            let name = k == repeatAt ? "test_110" : "test_\(k)"
            let classname = k == repeatAt ? "tests.test_m\(110 % files).TestC" : "\(file).Test\(["A", "B", "C"][k % 3])"
            let open = "<testcase classname=\"\(classname)\" name=\"\(name)\" time=\"0.01\""
            switch k % 11 {
            case 0, 5: xml += open + "><failure message=\"AttributeError: &apos;Client&apos; object has no attribute &apos;m\(k % 4)&apos;\">t</failure></testcase>"
            case 3: xml += open + "><error message=\"failed on setup with &quot;ModuleNotFoundError: No module named &apos;x\(k % 2)&apos;&quot;\">e</error></testcase>"
            case 7: xml += open + "><skipped type=\"pytest.skip\" message=\"reason \(k % 3)\">\(file).py:3: reason \(k % 3)</skipped></testcase>"
            default: xml += k % 2 == 0 ? open + "/>" : open + "></testcase>"
            }
        }
        xml += "</testsuite></testsuites>\n"
        let bytes = Array(xml.utf8)
        let pack = PythonPack(root: "/nonexistent")
        let twoCores = UsableCores.count > 1
        func read(_ threshold: Int, _ sharing: JUnitStream.Sharing) -> (TriageAccumulator, [Cluster], parts: Int) {
            var stream = JUnitStream(dialect: pack.dialect)
            stream.parallelThreshold = threshold
            stream.sharing = sharing
            // Each reading thread is prepared first, on that thread.
            let prepared = Counter()
            stream.prepareReader = { prepared.add() }
            var accumulator = TriageAccumulator(signatures: pack.signatureMaker)
            let leftover = stream.stream(bytes: bytes, source: "gen.xml", into: &accumulator, holdSkips: false)
            #expect(leftover.diagnostics.isEmpty, "\(leftover.diagnostics)")
            if case let .fixedParts(count) = sharing {
                #expect(leftover.parts == (threshold == 1 && twoCores ? count : 1))
            }
            #expect(prepared.value == (threshold == 1 ? (twoCores ? 2 : 1) : 0))
            return (accumulator, accumulator.clusters(scanner: nil, root: nil), leftover.parts)
        }
        let (one, onePass, _) = read(.max, .standard)
        #expect(one.totals.total == tests && one.totals.skipped > 0 && one.totals.errors > 0)
        #expect(onePass.count >= 6)
        // Each file's passing tests, counted from the way the report was written (the
        // streaming reader hashes each next test's class ahead: a wrong guess would move them).
        var passing: [String: Int] = [:]
        for k in 0..<tests where ![0, 3, 5, 7].contains(k % 11) { passing["tests/test_m\(k % files).py", default: 0] += 1 }
        #expect(Dictionary(uniqueKeysWithValues: one.files.map { ($0.path, $0.totals.passed) }).filter { $0.value > 0 } == passing)
        #expect(onePass.flatMap(\.tests).filter { $0 == "tests/test_m\(110 % files).py::TestC::test_110" }.count == 1)
        #expect(onePass.filter { !$0.isSkip }.map(\.tests.count).reduce(0, +) == one.totals.failed + one.totals.errors - 1)
        // The repeat is left out of its cause's outcomes and file counts too.
        for cause in onePass {
            #expect(cause.outcomes.values.reduce(0, +) == cause.tests.count, "\(cause.message)")
            #expect(cause.files.map(\.tests).reduce(0, +) == cause.tests.count, "\(cause.message)")
        }
        for sharing in [JUnitStream.Sharing.fixedParts(2), .fixedParts(5), .asTheyRead(step: 256, smallest: 1024), .asTheyRead(step: 256, smallest: 1024)] {
            let (two, parts, _) = read(1, sharing)
            #expect(two.totals == one.totals)
            #expect(two.files.map(\.path) == one.files.map(\.path))
            #expect(two.files.map(\.totals) == one.files.map(\.totals))
            #expect(parts.map(\.signature.hash) == onePass.map(\.signature.hash))
            #expect(parts.map(\.tests) == onePass.map(\.tests))
            #expect(parts.map(\.files) == onePass.map(\.files))
            #expect(parts.map(\.outcomes) == onePass.map(\.outcomes))
            #expect(parts.map(\.phases) == onePass.map(\.phases))
            #expect(parts.map(\.example) == onePass.map(\.example))
            #expect(parts.map(\.hint) == onePass.map(\.hint))
            #expect(two.skipReasons.map(\.reason) == one.skipReasons.map(\.reason))
            #expect(two.skipReasons.map(\.tests) == one.skipReasons.map(\.tests))
            #expect(two.skipReasons.map(\.files) == one.skipReasons.map(\.files))
        }
    }

    /// A failing test's id is copied from the report into its cause's ids; a name with an
    /// entity is decoded first, as the whole-report reader decodes it.
    @Test func idsWithEntitiesAreDecoded() throws {
        let xml = """
            <testsuites><testsuite name="pytest" tests="2">\
            <testcase classname="tests.test_p.TestP" name="test_q[a&amp;b&lt;c]"><failure message="AssertionError: x">t</failure></testcase>\
            <testcase classname="tests.test_p.TestP" name="test_r[é]"><failure message="AssertionError: x">t</failure></testcase>\
            </testsuite></testsuites>
            """
        let pack = PythonPack(root: "/nonexistent")
        var accumulator = TriageAccumulator(signatures: pack.signatureMaker)
        _ = JUnitStream(dialect: pack.dialect).stream(bytes: Array(xml.utf8), source: "p.xml", into: &accumulator, holdSkips: false)
        let clusters = accumulator.clusters(scanner: nil, root: nil)
        #expect(clusters.map { Array($0.tests) } == [["tests/test_p.py::TestP::test_q[a&b<c]", "tests/test_p.py::TestP::test_r[é]"]])
        let whole = Triage(signatures: pack.signatureMaker).clusters(of: try pack.logReader.read(bytes: Array(xml.utf8), source: "p.xml"))
        #expect(clusters.map(\.tests) == whole.map(\.tests))
    }

    @Test func aCutOffReportIsSaidSo() {
        let bytes = Fixtures.bytes("pytest/grown-xunit1.xml")
        let pack = PythonPack()
        var accumulator = TriageAccumulator(signatures: pack.signatureMaker)
        let leftover = JUnitStream(dialect: pack.dialect).stream(bytes: Array(bytes.prefix(bytes.count / 2)), source: "cut.xml", into: &accumulator)
        #expect(accumulator.totals.total + leftover.skipped.count > 0)
        #expect(leftover.diagnostics.contains { $0.contains("cut off") })
    }
}

/// Reports from other producers, captured from real runs: Python's unittest through
/// unittest-xml-reporting (xmlrunner 4.0), and Java's JUnit 4 through Ant 1.10's XML
/// formatter (the format Maven Surefire's reports follow). Read for outcomes, messages,
/// exception types and skip reasons.
@Suite struct OtherProducerTests {
    func clusters(_ fixture: String) throws -> (TestRun, [Cluster]) {
        let pack = PythonPack(root: "/nonexistent")
        let run = try pack.logReader.read(path: Fixtures.path(fixture))
        return (run, Triage(signatures: pack.signatureMaker).clusters(of: run))
    }

    @Test func unittestThroughXmlrunner() throws {
        let (run, clusters) = try clusters("junit/xmlrunner-unittest.xml")
        #expect(run.totals.passed == 1 && run.totals.failed == 1 && run.totals.errors == 1 && run.totals.skipped == 1)
        // Ties in tests affected keep the report's order (no call-site scan here).
        #expect(clusters.map { "\($0.exceptionType): \($0.message)" } == [
            "AssertionError: 0.30000000000000004 != 0.3",
            "AttributeError: 'Cart' object has no attribute 'total_with_discount'",
            "\(Failure.skippedType): payment gateway not available",
        ])
        #expect(clusters[1].tests == ["tests/test_cart.py::CartTests::test_discount"])
    }

    @Test func junit4ThroughAnt() throws {
        let (run, clusters) = try clusters("junit/ant-junit4.xml")
        #expect(run.totals.passed == 1 && run.totals.failed == 1 && run.totals.errors == 1 && run.totals.skipped == 1)
        #expect(clusters.map { "\($0.exceptionType): \($0.message)" } == [
            "junit.framework.AssertionFailedError: the total of one item expected:<3> but was:<2>",
            "java.lang.IndexOutOfBoundsException: Index 1 out of bounds for length 1",
            "\(Failure.skippedType): payment gateway not available",
        ])
    }

    /// pytest-xdist's `[gw0]` lines and chained exceptions ("During handling of the above
    /// exception…", "…was the direct cause…"): the last exception is the failure.
    @Test func xdistAndChainedExceptions() throws {
        let (run, clusters) = try clusters("pytest/xdist-chained-rA.txt")
        #expect(run.totals.passed == 2 && run.totals.failed == 4)
        #expect(clusters.map { "\($0.exceptionType): \($0.message) (\($0.tests.count))" } == [
            "AttributeError: 'Users' object has no attribute 'create_user' (2)",
            "app.config.ConfigError: no port in the settings (1)",
            "app.config.ConfigError: config is not valid JSON (1)",
        ])
        #expect(clusters[1].frames.last?.path == "app/config.py")
    }
}

/// A count kept across threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
