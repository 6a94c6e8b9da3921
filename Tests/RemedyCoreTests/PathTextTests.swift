import Foundation
import Testing
import RemedyCore

/// Paths standardized as text read as Foundation's URL gives them.
@Suite struct PathTextTests {
    @Test(arguments: ["/a/b/../c/./d", "/", "/a//b/", "rel/x", ".", "..", "/../x", "a/../../b", "/tmp/remedy-playbooks-1/python/./plugin.py", ""])
    func standardizedAsFoundationDoesIt(path: String) {
        #expect(PathText.standardized(path) == URL(fileURLWithPath: path).standardizedFileURL.path, "\(path)")
    }

    @Test func stems() {
        #expect(PathText.stem("rules/python.missing-method.yml") == "python.missing-method")
        #expect(PathText.stem("/x/.hidden") == ".hidden")
        #expect(PathText.stem("plain") == "plain")
        #expect(PathText.stem("a/b.c/d") == "d")
    }
}
