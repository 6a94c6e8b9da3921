import Testing
@testable import RemedyCore

@Suite struct RegexInspectionTests {
    @Test(arguments: [
        ("^'(?<class>\\w+)' object has no attribute '(?<name>\\w+)'$", "' object has no attribute '"),
        ("No module named '(?<module>[\\w.]+)'", "No module named '"),
        ("cannot import name '(?<name>\\w+)' from '(?<module>[\\w.]+)'", "cannot import name '"),
        ("module 'collections' has no attribute '(?<name>Mapping|MutableMapping)'", "module 'collections' has no attribute '"),
        ("abcd?efgh", "efgh"),             // d is optional: the run before it ends at c
        ("x+yyy", "xyyy"),                 // x+ still contains one x
        ("a\\.b\\.c is deprecated", "a.b.c is deprecated"),
    ])
    func requiredLiteral(pattern: String, literal: String) {
        #expect(RegexInspection.requiredLiteral(in: pattern) == literal)
    }

    @Test(arguments: ["foo|bar baz", "(?i)object has no attribute", "\\w+\\d+", "ab"])
    func noLiteralWhenNotCertain(pattern: String) {
        #expect(RegexInspection.requiredLiteral(in: pattern) == nil)
    }

    @Test(arguments: [
        ("(a+)+$", [0]),
        ("^(\\w*\\s?)*$", [1]),
        ("x(?:ab|c+){2,}", [1]),
        ("((a|b)+c)*", [0]),
        ("(a++)+", []),                  // possessive inside
        ("(?>a+)+", []),                 // atomic group
        ("(a+){1,3}", []),               // bounded outside
        ("(ab)+", []),                   // nothing unbounded inside
        ("[(]a+[)]+", []),               // brackets in a class are not groups
        ("^'(?<class>\\w+)' object", []),
    ])
    func nestedUnboundedQuantifiers(pattern: String, offsets: [Int]) {
        #expect(RegexInspection.nestedUnboundedQuantifiers(in: pattern) == offsets)
    }

    /// The loader keeps what lint reports, with the rule's file, line and column.
    @Test func lintWarningNamesTheRule() throws {
        struct NoAction: Action {
            let id = "test.none"; let applicability = Applicability.safe; let parameterNames: [String] = []; let examples: [ActionExample] = []
            func makeFix(_ request: ActionRequest) throws -> Fix { Fix(title: "none", edits: [], applicability: .safe) }
        }
        let rule = try PlaybookLoader(actions: ActionRegistry([NoAction()])).load(text: """
            schema: remedy/v1
            id: python.slow
            title: Slow
            match:
              message: "^(\\\\w+\\\\s?)*$"
            strategies: [{ id: s, action: test.none }]
            """, file: "p/python.slow.yml")
        #expect(rule.warnings.count == 1)
        #expect(rule.warnings.first?.hasPrefix("p/python.slow.yml:5:12: the message regex repeats a group that repeats without bound") == true)
    }
}
