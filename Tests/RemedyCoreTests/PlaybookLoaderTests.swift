import Foundation
import Testing
@testable import RemedyCore

/// An action that only declares itself, so the loader can be checked without a language pack.
private struct DeclaredAction: Action {
    let id = "test.rename"
    let applicability = Applicability.safe
    let parameterNames = ["class", "name", "delegate"]
    let examples: [ActionExample] = []
    func makeFix(_ request: ActionRequest) throws -> Fix { Fix(title: "none", edits: [], applicability: .safe) }
}

@Suite struct PlaybookLoaderTests {
    let loader = PlaybookLoader(actions: ActionRegistry([DeclaredAction()]))

    let valid = """
        schema: remedy/v1
        id: python.missing-method
        title: Missing method
        match:
          exception: [AttributeError]
          message: "^'(?<class>\\\\w+)' object has no attribute '(?<name>\\\\w+)'$"
          phase: call
        strategies:
          - id: wrapper
            action: test.rename
            with: { class: "${class}", name: "${name}", delegate: "${hint}" }
        """

    @Test func loadsAValidRule() throws {
        let rule = try loader.load(text: valid, file: "playbooks/python/python.missing-method.yml")
        #expect(rule.id == "python.missing-method")
        #expect(rule.language == "python")
        #expect(rule.match.exceptions == ["AttributeError"])
        #expect(rule.match.phases == [.call])
        #expect(rule.strategies.first?.parameters["delegate"] == "${hint}")
    }

    func error(_ text: String, file: String = "p/python.missing-method.yml") -> String {
        do {
            _ = try loader.load(text: text, file: file)
            return "loaded"
        } catch {
            return "\(error)"
        }
    }

    @Test func unknownKeyNamesFileLineAndColumn() {
        let text = valid.replacingOccurrences(of: "title: Missing method", with: "title: Missing method\ntitel: typo")
        #expect(error(text) == "p/python.missing-method.yml:4:1: unknown key 'titel' (expected one of description, id, language, match, metadata, preconditions, priority, schema, strategies, title)")
    }

    @Test func badRegexPointsAtIt() {
        let text = valid.replacingOccurrences(of: "(?<name>", with: "(?<name")
        #expect(error(text).hasPrefix("p/python.missing-method.yml:6:12: the message regex does not compile"))
    }

    @Test func templateNamingNoCapture() {
        let text = valid.replacingOccurrences(of: "${name}", with: "${method}")
        #expect(error(text).contains("'${method}' names no capture of the message regex"))
    }

    @Test func unknownAction() {
        let text = valid.replacingOccurrences(of: "action: test.rename", with: "action: python.nope")
        #expect(error(text).contains(":10:13: unknown action 'python.nope'"))
    }

    @Test func idMustEqualFileStem() {
        #expect(error(valid, file: "p/other.yml").contains("must equal the file's name 'other'"))
    }

    @Test func strategyMayNotRaiseApplicability() throws {
        let lowered = valid + "\n    applicability: unsafe"
        #expect(try loader.load(text: lowered, file: "x/python.missing-method.yml").strategies[0].applicability == .unsafe)
    }

    @Test func malformedYAML() {
        #expect(error("schema: [unclosed").contains("invalid YAML"))
        #expect(error("").contains("the playbook is empty"))
        #expect(error("- a\n- b").contains("expected a mapping"))
    }

    @Test func matcherBindsCapturesAndHint() throws {
        let rule = try loader.load(text: valid, file: "x/python.missing-method.yml")
        let signature = Signature(kind: "AttributeError", template: "t", parameters: [:])
        let cluster = Cluster(signature: signature, exceptionType: "AttributeError", message: "'A' object has no attribute 'b'", hint: "c",
                              phases: [.call], tests: ["t"], outcomes: [:], files: [], example: "t", frames: [])
        let findings = RuleMatcher(rules: [rule]).findings(for: [cluster])
        #expect(findings.count == 1)
        #expect(findings.first?.bindings["class"] == "A")
        #expect(findings.first?.bindings["hint"] == "c")
        #expect(rule.strategies[0].resolvedParameters(findings[0].bindings) == ["class": "A", "name": "b", "delegate": "c"])
        var other = cluster
        other.phases = [.teardown]
        guard case .failed(let field, _) = RuleMatcher(rules: [rule]).evaluate(rule, against: other) else {
            Issue.record("matched a teardown failure")
            return
        }
        #expect(field == "phase")
    }

    func cluster(_ type: String = "AttributeError", _ message: String = "'A' object has no attribute 'b'", phases: [Phase] = [.call],
                 files: [FileImpact] = [FileImpact(path: "tests/api/test_users.py", tests: 2, callSites: 1)],
                 frames: [Frame] = [Frame(path: "src/app/users.py", line: 12, function: "create_user")]) -> Cluster {
        Cluster(signature: Signature(kind: type, template: message, parameters: [:]), exceptionType: type, message: message, hint: nil,
                phases: phases, tests: ["t"], outcomes: [:], files: files, example: "t", frames: frames)
    }

    func rule(_ match: String, extra: String = "") throws -> Rule {
        try loader.load(text: """
            schema: remedy/v1
            id: python.r
            title: R
            match:
            \(match.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            \(extra)
            strategies:
              - id: s
                action: test.rename
            """, file: "p/python.r.yml")
    }

    func field(_ rule: Rule, _ cluster: Cluster) -> String {
        switch RuleMatcher(rules: [rule]).evaluate(rule, against: cluster) {
        case .matched: return "matched"
        case let .failed(field, _): return field
        }
    }

    /// Every condition of `match` is checked, and each failure names its field.
    @Test func testGlobsFramesWarningsAndSkipReasons() throws {
        let byTest = try rule("test: [\"tests/api/*.py\"]")
        #expect(field(byTest, cluster()) == "matched")
        #expect(field(byTest, cluster(files: [FileImpact(path: "tests/web/test_x.py", tests: 1, callSites: 0)])) == "test")

        let byFrame = try rule("frame: { path: \"src/**/*.py\", function: \"^create_(?<what>\\\\w+)$\" }")
        #expect(field(byFrame, cluster()) == "matched")
        #expect(field(byFrame, cluster(frames: [Frame(path: "src/app/users.py", line: 3, function: "delete_user")])) == "frame")
        guard case let .matched(bindings) = RuleMatcher(rules: [byFrame]).evaluate(byFrame, against: cluster()) else { Issue.record("no match"); return }
        #expect(bindings["what"] == "user")

        let byWarning = try rule("warning: DeprecationWarning\nmessage: \"is deprecated\"")
        #expect(field(byWarning, cluster("DeprecationWarning", "a.b is deprecated; use c.d", phases: [.warning])) == "matched")
        #expect(field(byWarning, cluster("DeprecationWarning", "a.b is deprecated; use c.d", phases: [.call])) == "warning")

        let bySkip = try rule("skip-reason: \"^(?<what>\\\\w+) not available$\"")
        let skip = cluster(Failure.skippedType, "Complete system not available", phases: [.skip])
        #expect(field(bySkip, skip) == "skip-reason")  // "Complete system": two words
        #expect(field(bySkip, cluster(Failure.skippedType, "Redis not available", phases: [.skip])) == "matched")
        #expect(field(bySkip, cluster()) == "skip-reason")
        #expect(field(try rule("exception: AttributeError"), skip) == "skip-reason")
        #expect(error("""
            schema: remedy/v1
            id: python.missing-method
            title: T
            match: { skip-reason: "x", exception: ValueError }
            strategies: [{ id: s, action: test.rename }]
            """).contains("'skip-reason' matches skipped tests"))
    }

    /// The literal a message regex requires is checked first, and the reason says so.
    @Test func literalPrefilterRejectsBeforeTheRegexRuns() throws {
        let r = try rule("message: \"^'(?<class>\\\\w+)' object has no attribute\"")
        #expect(r.match.messageLiteral.map { String(decoding: $0, as: UTF8.self) } == "' object has no attribute")
        guard case let .failed(_, reason) = RuleMatcher(rules: [r]).evaluate(r, against: cluster("AttributeError", "module 'a' has no attribute 'b'")) else {
            Issue.record("matched"); return
        }
        #expect(reason.contains("does not contain '' object has no attribute'"))
    }

    @Test func preconditionsLookAtTheRepository() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("remedy-pre-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/app", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(FileManager.default.createFile(atPath: root + "/app/settings.py", contents: Data()))
        let r = try rule("exception: AttributeError", extra: "preconditions: { files: [\"**/settings.py\"] }")
        guard case .matched = RuleMatcher(rules: [r], root: root).evaluate(r, against: cluster()) else { Issue.record("no match"); return }
        let other = try rule("exception: AttributeError", extra: "preconditions: { files: [pyproject.toml] }")
        guard case .failed("preconditions", _) = RuleMatcher(rules: [other], root: root).evaluate(other, against: cluster()) else { Issue.record("matched"); return }
    }

    @Test func metadataIsValidated() throws {
        let r = try rule("exception: AttributeError", extra: "metadata: { confidence: high, references: [\"https://docs.python.org/3/whatsnew/3.10.html\"] }")
        #expect(r.metadata.confidence == .high)
        #expect(r.metadata.references.count == 1)
        #expect(throws: RemedyError.self) { try rule("exception: A", extra: "metadata: { confidence: sure }") }
        #expect(throws: RemedyError.self) { try rule("exception: A", extra: "metadata: { references: [see the changelog] }") }
        #expect(throws: RemedyError.self) { try rule("exception: A", extra: "metadata: { author: me }") }
    }

    /// The most specific rule wins even when a looser one comes first; the index returns
    /// only rules that can match the cluster's type.
    @Test func indexAndSpecificity() throws {
        let loose = try rule("exception: AttributeError")
        var tight = try rule("exception: AttributeError\nmessage: \"object has no attribute\"")
        tight.id = "python.tight"
        let other = try rule("exception: ImportError")
        let matcher = RuleMatcher(rules: [loose, other, tight])
        #expect(matcher.candidates(for: cluster()) == [0, 2])
        #expect(matcher.findings(for: [cluster()]).first?.rule.id == "python.tight")
    }

    /// A catastrophic regex in a rule ends in a failed match that names the rule and its
    /// file, and the other rules still match.
    @Test func catastrophicRuleIsBoundedAndNamed() throws {
        let slow = try rule("message: \"^(a+)+$\"")
        let fine = try loader.load(text: valid, file: "p/python.missing-method.yml")
        let message = String(repeating: "a", count: 40) + "b"
        guard case let .failed(field, reason) = RuleMatcher(rules: [slow]).evaluate(slow, against: cluster("ValueError", message)) else {
            Issue.record("matched"); return
        }
        #expect(field == "message")
        #expect(reason.hasPrefix("rule python.r (p/python.r.yml): "), "\(reason)")
        #expect(RuleMatcher(rules: [slow, fine]).findings(for: [cluster(), cluster("ValueError", message)]).map(\.rule.id) == ["python.missing-method"])
    }
}
