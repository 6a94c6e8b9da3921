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
        // The same once the JIT-compiled copy has taken over.
        for _ in 0..<PCRERegex.jitThreshold { _ = try regex.firstMatch(in: "aaa") }
        #expect(throws: PCRERegex.RegexError.self) { try regex.firstMatch(in: subject) }
    }

    /// Before and after the JIT takes over, from several threads at once: the same matches.
    @Test func matchesAreTheSameBeforeAndAfterTheJIT() async throws {
        let regex = try PCRERegex(#"^'(?<class>\w+)' object has no attribute '(?<name>\w+)'"#)
        let results = await withTaskGroup(of: [String?].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    (0..<(3 * PCRERegex.jitThreshold)).map { k in
                        let subject = k % 3 == 0 ? "no match \(worker)" : "'C\(k)' object has no attribute 'm\(worker)'. Did you mean"
                        return (try? regex.firstMatch(in: subject)).flatMap { $0.map { "\($0.captures["class"]!)/\($0.captures["name"]!)" } }
                    }
                }
            }
            var all: [[String?]] = []
            for await result in group { all.append(result) }
            return all
        }
        for result in results {
            for (k, value) in result.enumerated() { #expect((value == nil) == (k % 3 == 0)) }
            #expect(result.compactMap { $0 }.allSatisfy { $0.hasPrefix("C") && $0.contains("/m") })
        }
    }
}
