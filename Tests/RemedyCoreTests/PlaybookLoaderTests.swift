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
        #expect(error(text) == "p/python.missing-method.yml:4:1: unknown key 'titel' (expected one of description, id, language, match, metadata, priority, schema, strategies, title)")
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
}
