import Foundation
import Testing
import RemedyTestSupport
@testable import RemedyPython

/// The tokenizer against Python's own `tokenize` (the 3.11 here) on real files: the same
/// names, numbers, strings, operators and comments, in the same order.
@Suite struct TokenizeComparisonTests {
    static let script = """
        import json, sys, tokenize
        names = {tokenize.NAME: "name", tokenize.NUMBER: "number", tokenize.STRING: "string", tokenize.OP: "op", tokenize.COMMENT: "comment"}
        for path in sys.argv[1:]:
            with open(path, "rb") as f:
                tokens = [[names[t.type], t.string] for t in tokenize.tokenize(f.readline) if t.type in names]
            print(json.dumps({"path": path, "tokens": tokens}))
        """

    @Test func sameTokensAsPythonsTokenizeOnTheStandardLibrary() async throws {
        let stdlib = try await Command.run("python3", ["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], in: "/").output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // Every 15th file: about 120 files, every kind of code the standard library has.
        let files = PythonFiles.list(root: stdlib).enumerated().filter { $0.offset % 15 == 0 }.map { stdlib + "/" + $0.element }
        #expect(files.count > 100)
        let folder = TemporaryFolder("tokenize")
        try folder.write(["compare.py": Self.script])
        let result = try await Command.run("python3", [folder.path + "/compare.py"] + files, in: "/")
        #expect(result.status == 0, "\(result.output.suffix(500))")
        var compared = 0
        for line in result.output.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let path = object["path"] as? String, let expected = object["tokens"] as? [[String]],
                  let data = FileManager.default.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            let mine = PythonTokenizer.tokenize(bytes).compactMap { token -> [String]? in
                let kind: String
                switch token.kind {
                case .name: kind = "name"
                case .number: kind = "number"
                case .string: kind = "string"
                case .op: kind = "op"
                case .comment: kind = "comment"
                default: return nil
                }
                return [kind, String(decoding: bytes[token.start..<token.end], as: UTF8.self)]
            }
            let firstDifference = zip(expected, mine).enumerated().first { $0.element.0 != $0.element.1 }
            #expect(firstDifference == nil && expected.count == mine.count,
                    "\(path): token \(firstDifference?.offset ?? min(expected.count, mine.count)): python \(firstDifference.map { $0.element.0 } ?? []) vs remedy \(firstDifference.map { $0.element.1 } ?? [])")
            compared += 1
        }
        #expect(compared == files.count)
    }

    /// Python 3.12 syntax the 3.11 here cannot check: nested f-strings reusing the outer
    /// quote, and comments and line breaks inside replacement fields. Each is one string
    /// token, and the rest of the line reads on.
    @Test(arguments: [
        ("x = f\"{d[\"key\"]}\" + y\n", "f\"{d[\"key\"]}\""),
        ("x = f'{\", \".join(f'{a}' for a in b)}' ; z\n", "f'{\", \".join(f'{a}' for a in b)}'"),
        ("x = f\"{f\"{f\"{1}\"}\"}\"\n", "f\"{f\"{f\"{1}\"}\"}\""),
        ("x = f'''{\n    a  # a comment\n}''' + y\n", "f'''{\n    a  # a comment\n}'''"),
        ("x = rf\"{a!r:>{width}}\\d\"\n", "rf\"{a!r:>{width}}\\d\""),
        ("x = f\"{'{'}\" + f'}}{{'\n", "f\"{'{'}\""),
    ])
    func nestedFStrings(source: String, string: String) {
        let bytes = Array(source.utf8)
        let tokens = PythonTokenizer.tokenize(bytes)
        #expect(tokens.flatMap { bytes[$0.start..<$0.end] } == bytes)
        let strings = tokens.filter { $0.kind == .string }.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }
        #expect(strings.first == string, "\(strings)")
        #expect(tokens.filter { $0.kind == .newline }.count == 1)
    }
}
