import Foundation
import Testing
@testable import RemedyCore

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}

/// A template list like a language pack's, for core tests.
private let attributeTemplates = TemplateList([
    try! MessageTemplate(exceptionTypes: ["AttributeError"], pattern: #"^'(?<class>\w+)' object has no attribute '(?<name>\w+)'"#,
                         template: "'{class}' object has no attribute '{name}'"),
])

@Suite struct SignatureTests {
    let maker = SignatureMaker(templates: attributeTemplates)

    @Test func templateGivesKeyParametersAndIgnoresTheHint() {
        let withHint = Failure(exceptionType: "AttributeError", message: "'E2EAuthHelper' object has no attribute 'create_test_user_with_token'",
                               hint: "create_test_user_with_auth", phase: .call)
        let withoutHint = Failure(exceptionType: "AttributeError", message: "'E2EAuthHelper' object has no attribute 'create_test_user_with_token'", phase: .collection)
        let a = maker.signature(for: withHint), b = maker.signature(for: withoutHint)
        #expect(a == b)
        #expect(a.parameters == ["class": "E2EAuthHelper", "name": "create_test_user_with_token"])
        #expect(a.template == "'{class}' object has no attribute '{name}'")
        #expect(a.version == 1)
    }

    /// Branch names are made of this hash: it must never change for v1.
    @Test func hashIsFrozen() {
        let s = maker.signature(for: Failure(exceptionType: "AttributeError", message: "'E2EAuthHelper' object has no attribute 'create_test_user_with_token'", phase: .call))
        #expect(s.hash == SHA256.hex("remedy-signature/v1\nAttributeError\n'{class}' object has no attribute '{name}'\nclass=E2EAuthHelper\nname=create_test_user_with_token\n"))
        #expect(s.hash8 == "e47ac754")
    }

    @Test func differentAttributesAreDifferentCauses() {
        let a = maker.signature(for: Failure(exceptionType: "AttributeError", message: "'A' object has no attribute 'x'", phase: .call))
        let b = maker.signature(for: Failure(exceptionType: "AttributeError", message: "'A' object has no attribute 'y'", phase: .call))
        #expect(a.hash != b.hash)
    }

    @Test(arguments: [
        ("<Foo object at 0x7f3a2b1c>", "<Foo object at 0x?>"),
        ("cannot open /tmp/pytest-of-root/pytest-3/test_a0/data.txt", "cannot open <path>"),
        ("error in file.py:123 while reading", "error in file.py:? while reading"),
        ("File \"x.py\", line 42, in f", "File \"x.py\", line ?, in f"),
        ("KeyError: 'user_123'", "KeyError: 'user_<n>'"),
        ("expected 3 items, got 4", "expected 3 items, got 4"),
        ("ratio 1/2 is wrong", "ratio 1/2 is wrong"),
    ])
    func maskingV1(input: String, expected: String) {
        #expect(SignatureMasking.v1(input) == expected)
    }

    @Test func unknownMessagesAreMaskedAndGroupTogether() {
        let a = maker.signature(for: Failure(exceptionType: "KeyError", message: "'user_1'", phase: .call))
        let b = maker.signature(for: Failure(exceptionType: "KeyError", message: "'user_2'", phase: .call))
        #expect(a == b)
        #expect(a.parameters.isEmpty)
    }

    /// The shortcut past Foundation trims exactly what `.whitespaces` trims.
    @Test func firstLinesAreTrimmedAsFoundationTrimsThem() {
        for line in ["", " ", "x", " x ", "\tx\t", "\u{A0}x\u{A0}", "x\u{3000}", "\u{2003}x", "é", "x\n", "\u{85}x", "a  b"] {
            #expect(SignatureMaker.trimmingWhitespace(line) == line.trimmingCharacters(in: .whitespaces), "\(Array(line.unicodeScalars))")
        }
    }

    /// The byte search finds the first line that splitting the Characters at "\n" finds,
    /// "\r\n" (one Character) included.
    @Test func firstLinesAreWhatTheCharacterSplitGives() {
        for message in ["", "x", "\n", "a\nb", "a\r\nb\nc", "a\rb\nc", "\r\n", "é\u{301}\nx", "a\n\u{301}b", "\u{1F600}\n\n", "line\r\n"] {
            let split = message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            #expect(SignatureMaker.firstLine(message) == split, "\(Array(message.unicodeScalars))")
        }
    }

    @Test func onlyTheFirstLineCounts() {
        let a = maker.signature(for: Failure(exceptionType: "AssertionError", message: "assert x == 1\n+  where x = 2", phase: .call))
        let b = maker.signature(for: Failure(exceptionType: "AssertionError", message: "assert x == 1\n+  where x = 3", phase: .call))
        #expect(a == b)
    }
}
