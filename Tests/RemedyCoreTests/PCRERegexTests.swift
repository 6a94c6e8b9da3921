import Testing
@testable import RemedyCore

@Suite struct PCRERegexTests {
    @Test func namedCaptures() throws {
        let regex = try PCRERegex(#"^'(?<class>\w+)' object has no attribute '(?<name>\w+)'$"#)
        #expect(regex.groupNames == ["class", "name"])
        let match = try #require(try regex.firstMatch(in: "'E2EAuthHelper' object has no attribute 'create_test_user_with_token'"))
        #expect(match.captures == ["class": "E2EAuthHelper", "name": "create_test_user_with_token"])
        #expect(try regex.firstMatch(in: "something else") == nil)
    }

    @Test func unicodeSubjects() throws {
        let regex = try PCRERegex("(?<word>é+)")
        #expect(try regex.firstMatch(in: "café")?.captures["word"] == "é")
    }

    @Test func compileErrorsCarryTheOffset() {
        do {
            _ = try PCRERegex("(?<name>abc")
            Issue.record("compiled a broken pattern")
        } catch let error as PCRERegex.RegexError {
            #expect(error.offset == 11)
            #expect(error.message.contains("missing closing parenthesis"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// A catastrophic pattern ends in an error, not a hang.
    @Test func catastrophicBacktrackingIsBounded() throws {
        let regex = try PCRERegex("^(a+)+$")
        let subject = String(repeating: "a", count: 40) + "b"
        #expect(throws: PCRERegex.RegexError.self) { try regex.firstMatch(in: subject) }
    }
}
