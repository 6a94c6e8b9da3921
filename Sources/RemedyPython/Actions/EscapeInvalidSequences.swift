import Foundation
import RemedyCore

/// `python.escape-invalid-sequences`: "invalid escape sequence '\s'" — a backslash in a
/// normal string literal before a character that is not an escape (`"\d+"`, `"C:\temp"`
/// is fine, `"\."` is not). Python keeps such a backslash as it is, warns since 3.6
/// (DeprecationWarning; SyntaxWarning from 3.12) and will refuse it. Doubles each such
/// backslash (`"\\d+"`), which is exactly what the string already held: the value does
/// not change, unlike making the literal raw, which would also change its real escapes.
/// Every string literal of the repository's Python files is checked; raw strings, and
/// f-strings' replacement fields, are left alone.
public struct EscapeInvalidSequences: Action {
    public let id = "python.escape-invalid-sequences"
    public let applicability = Applicability.safe
    public let parameterNames: [String] = []

    public init() {}

    public func makeFix(_ request: ActionRequest) throws -> Fix {
        var edits: [Edit] = []
        for path in PythonFiles.list(root: request.root) {
            guard let data = FileManager.default.contents(atPath: request.root + "/" + path), data.count < 8 << 20 else { continue }
            let source = PythonSource(bytes: [UInt8](data))
            for token in source.tokens where token.kind == .string {
                for offset in Self.invalidEscapes(in: source.bytes, token.start..<token.end) {
                    edits.append(.insert("\\", at: offset, in: path))
                }
            }
        }
        guard !edits.isEmpty else { throw ActionRefusal("no string literal of the repository has an invalid escape sequence") }
        let files = Set(edits.map(\.path)).count
        return Fix(title: "Escape \(edits.count) invalid escape sequence\(edits.count == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s")",
                   edits: edits, applicability: applicability,
                   notes: ["Each backslash before a character that is not an escape is doubled: the strings' values do not change."])
    }

    /// Offsets of the backslashes in a string literal that start no valid escape.
    static func invalidEscapes(in bytes: [UInt8], _ range: Range<Int>) -> [Int] {
        var start = range.lowerBound
        var prefix = Set<UInt8>()
        while start < range.upperBound, bytes[start] != 34, bytes[start] != 39 { prefix.insert(bytes[start] | 0x20); start += 1 }
        guard start < range.upperBound, !prefix.contains(UInt8(ascii: "r")) else { return [] }
        let quote = bytes[start]
        let triple = start + 2 < range.upperBound && bytes[start + 1] == quote && bytes[start + 2] == quote
        let bodyStart = start + (triple ? 3 : 1), bodyEnd = range.upperBound - (triple ? 3 : 1)
        guard bodyStart <= bodyEnd else { return [] }
        let isBytes = prefix.contains(UInt8(ascii: "b")), formatted = prefix.contains(UInt8(ascii: "f"))
        var valid = Set("\\'\"abfnrtv01234567x\n\r".utf8)
        if !isBytes { valid.formUnion("NuU".utf8) }
        var found: [Int] = []
        var i = bodyStart
        var depth = 0
        while i < bodyEnd {
            let c = bytes[i]
            if formatted {
                if c == UInt8(ascii: "{") {
                    if depth == 0, i + 1 < bodyEnd, bytes[i + 1] == UInt8(ascii: "{") { i += 2; continue }
                    depth += 1
                } else if c == UInt8(ascii: "}"), depth > 0 {
                    depth -= 1
                }
                if depth > 0 { i += 1; continue }
            }
            if c == UInt8(ascii: "\\"), i + 1 < bodyEnd {
                if !valid.contains(bytes[i + 1]) { found.append(i) }
                i += 2
                continue
            }
            i += 1
        }
        return found
    }

    public var examples: [ActionExample] {
        [
            ActionExample(
                "regexes and paths: invalid escapes doubled; valid ones, raw strings, bytes' \\x and f-string fields kept",
                before: ["app/parse.py": "import re\n\nNUMBER = re.compile(\"\\d+\\.\\d*\")\nRAW = r\"\\d+\"\nTAB = \"a\\tb\\n\"\nDATA = b\"\\x00\\q\"\nMSG = f\"{value!r:>{width}}\\s {{literal}} \\w\"\nDOC = '''\n    \\[x] line\n'''\n"],
                parameters: [:],
                after: ["app/parse.py": "import re\n\nNUMBER = re.compile(\"\\\\d+\\\\.\\\\d*\")\nRAW = r\"\\d+\"\nTAB = \"a\\tb\\n\"\nDATA = b\"\\x00\\\\q\"\nMSG = f\"{value!r:>{width}}\\\\s {{literal}} \\\\w\"\nDOC = '''\n    \\\\[x] line\n'''\n"]),
            ActionExample(
                "nothing to escape",
                before: ["a.py": "PATTERN = r\"\\d+\"\nTEXT = \"line\\n\"\n"],
                parameters: [:],
                refusal: "no string literal of the repository has an invalid escape sequence"),
        ]
    }
}
