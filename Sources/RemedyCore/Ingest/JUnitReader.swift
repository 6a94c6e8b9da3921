/// Reads JUnit XML reports (pytest's xunit1 and xunit2, nested `<testsuites>`, other
/// producers for outcomes and messages) into a `TestRun`, with a language pack's dialect
/// to name tests and read failures. A truncated report gives a partial run and a
/// diagnostic; a malformed one an error naming the file, line and column.
public struct JUnitReader: Sendable {
    public var dialect: any ResultsDialect

    public init(dialect: any ResultsDialect) { self.dialect = dialect }

    public func read(bytes: [UInt8], source: String) throws -> TestRun {
        var run = TestRun(sources: [source])
        var stack: [String] = []
        var current: (classname: String, name: String, file: String?, time: Double?)? = nil
        var detail: (tag: String, message: String?, type: String?)? = nil
        var detailText = ""
        var outcome: Outcome = .passed
        var failure: Failure? = nil
        var sawTestcase = false
        var rootName: String? = nil

        let scanner = XMLScanner(bytes: bytes)
        var openDepth = 0
        do {
            openDepth = try scanner.scan(wantText: { detail != nil }) { event in
                switch event {
                case let .start(name, attributes, _):
                    if rootName == nil {
                        rootName = name
                        guard name == "testsuites" || name == "testsuite" else {
                            throw RemedyError.badInput("\(source): not a JUnit report (the root element is <\(name)>, expected <testsuites> or <testsuite>)")
                        }
                    }
                    stack.append(name)
                    switch name {
                    case "testcase":
                        sawTestcase = true
                        current = (attributes["classname"] ?? "", attributes["name"] ?? "", attributes["file"], attributes["time"].flatMap(Double.init))
                        outcome = .passed
                        failure = nil
                    case "failure", "error", "skipped":
                        if current != nil {
                            detail = (name, attributes["message"], attributes["type"])
                            detailText = ""
                        }
                    default:
                        break
                    }
                case let .text(text):
                    detailText += text
                case let .end(name):
                    _ = stack.popLast()
                    if let d = detail, name == d.tag {
                        if outcome == .passed {
                            outcome = Outcome.junit(tag: d.tag, type: d.type)
                            failure = d.tag == "skipped"
                                ? dialect.skip(message: d.message, type: d.type, text: detailText)
                                : dialect.failure(message: d.message, type: d.type, text: detailText, outcome: outcome)
                        }
                        detail = nil
                    } else if name == "testcase", let c = current {
                        let identity = dialect.testIdentity(classname: c.classname, name: c.name, file: c.file)
                        run.cases.append(TestCase(id: identity.id, file: identity.file, outcome: outcome, failure: failure, duration: c.time))
                        current = nil
                    }
                }
            }
        } catch let error as XMLScanner.SyntaxError {
            let at = XMLScanner.position(of: error.offset, in: bytes)
            guard error.atEnd, sawTestcase else {
                throw RemedyError.badInput("\(source):\(at.line):\(at.column): malformed XML: \(error.message)")
            }
            openDepth = max(1, stack.count)
        }
        if openDepth > 0 {
            let at = XMLScanner.position(of: bytes.count, in: bytes)
            run.diagnostics.append("\(source):\(at.line):\(at.column): the report is cut off (\(openDepth) element(s) left open); read \(run.cases.count) complete test case(s) before it")
        }
        if !sawTestcase {
            run.diagnostics.append("\(source): the report holds no test cases")
        }
        return run
    }
}
