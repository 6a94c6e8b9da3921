/// A Python file read through the tokenizer: its bytes, tokens, and the classes and
/// functions it defines, with exact byte ranges for editing.
public struct PythonSource: Sendable {
    public let bytes: [UInt8]
    public let tokens: [PythonTokenizer.Token]
    public let definitions: [PythonDefinition]
    /// The line break the file uses (`\r\n` or `\n`).
    public let lineBreak: String

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        tokens = PythonTokenizer.tokenize(bytes)
        definitions = DefinitionReader(bytes: bytes, tokens: tokens).read()
        if let lf = bytes.firstIndex(of: 10), lf > 0, bytes[lf - 1] == 13 { lineBreak = "\r\n" } else { lineBreak = "\n" }
    }

    public init(text: String) { self.init(bytes: Array(text.utf8)) }

    public func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
    public func text(_ token: PythonTokenizer.Token) -> String { text(token.start..<token.end) }

    /// Every class in the file, nested ones included.
    public var allClasses: [PythonDefinition] {
        var result: [PythonDefinition] = []
        func walk(_ definitions: [PythonDefinition]) {
            for definition in definitions {
                if definition.kind == .class { result.append(definition) }
                walk(definition.children)
            }
        }
        walk(definitions)
        return result
    }

    /// 1-based line of a byte offset.
    public func line(of offset: Int) -> Int { bytes[0..<min(offset, bytes.count)].reduce(1) { $1 == 10 ? $0 + 1 : $0 } }
}

/// One parameter of a function, as written.
public struct PythonParameter: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case positionalOnly, regular, variadic, keywordOnly, variadicKeyword
    }

    public var name: String
    public var kind: Kind
    public var hasDefault: Bool
    /// The parameter's source text (annotation and default included).
    public var text: String
}

/// A class or function definition with the byte ranges an edit needs.
public struct PythonDefinition: Sendable {
    public enum Kind: Sendable { case `class`, function }

    public var kind: Kind
    public var name: String
    public var isAsync: Bool
    /// Decorator expressions, without the `@`.
    public var decorators: [String]
    /// The whitespace before the `def`/`class` keyword (and its decorators).
    public var indent: String
    /// Start of the first decorator's line, or of the definition's line.
    public var start: Int
    /// End of the block: after the line break of its last line.
    public var end: Int
    /// 1-based line of the `def`/`class` keyword.
    public var line: Int
    /// Parameters (functions only; the whole list, `self` included).
    public var parameters: [PythonParameter]
    /// Byte range of the text between the parentheses of the signature.
    public var parameterRange: Range<Int>?
    /// The return annotation's text, if any.
    public var returns: String?
    public var children: [PythonDefinition]
    /// A class's bases as written (`Base`, `mod.Base`), keyword arguments left out.
    public var bases: [String] = []
    /// Under an `if`/`try`/`with`/`for`/`while` block (at any level above it up to its
    /// container): it exists only when that block runs.
    public var isConditional = false

    public var methods: [PythonDefinition] { children.filter { $0.kind == .function } }
    public var isStaticMethod: Bool { decorators.contains("staticmethod") }
    public var isClassMethod: Bool { decorators.contains("classmethod") }
    public var isProperty: Bool { decorators.contains { $0 == "property" || $0.hasSuffix(".setter") || $0.hasSuffix(".getter") } }
}

/// Reads definitions from tokens: one pass over logical lines with a block stack.
struct DefinitionReader {
    let bytes: [UInt8]
    let tokens: [PythonTokenizer.Token]

    private func text(_ t: PythonTokenizer.Token) -> String { String(decoding: bytes[t.start..<t.end], as: UTF8.self) }

    private func lineStart(_ offset: Int) -> Int {
        var j = offset
        while j > 0, bytes[j - 1] != 10, bytes[j - 1] != 13 { j -= 1 }
        return j
    }

    func read() -> [PythonDefinition] {
        // Open blocks: (definition, indentation depth of its body)
        var stack: [(definition: PythonDefinition, depth: Int)] = []
        var roots: [PythonDefinition] = []
        var depth = 0
        var pendingDecorators: [String] = []
        var decoratorStart: Int? = nil
        var lastLineEnd = 0
        var lineNumber = 1
        var countedUpTo = 0

        func close(downTo level: Int) {
            while let top = stack.last, top.depth > level {
                stack.removeLast()
                var finished = top.definition
                finished.end = max(finished.end, lastLineEnd)
                if stack.isEmpty { roots.append(finished) } else { stack[stack.count - 1].definition.children.append(finished) }
            }
        }

        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            switch token.kind {
            case .indent:
                depth += 1
                i += 1
                continue
            case .dedent:
                depth -= 1
                close(downTo: depth)
                i += 1
                continue
            case .endMarker:
                close(downTo: -1)
                i += 1
                continue
            default:
                break
            }
            guard token.isSignificant, token.kind != .newline else { i += 1; continue }
            // A logical line starts at token i; find its end.
            var j = i
            var significant: [Int] = []
            while j < tokens.count, tokens[j].kind != .newline, tokens[j].kind != .endMarker {
                if tokens[j].isSignificant { significant.append(j) }
                j += 1
            }
            let lineEnd = j < tokens.count ? tokens[j].end : bytes.count
            let first = tokens[significant[0]]
            let firstText = text(first)
            while countedUpTo < first.start { if bytes[countedUpTo] == 10 { lineNumber += 1 }; countedUpTo += 1 }

            if firstText == "@", first.kind == .op {
                if decoratorStart == nil { decoratorStart = lineStart(first.start) }
                let expressionStart = significant.count > 1 ? tokens[significant[1]].start : first.end
                let expressionEnd = tokens[significant.last!].end
                pendingDecorators.append(String(decoding: bytes[expressionStart..<max(expressionStart, expressionEnd)], as: UTF8.self))
            } else {
                var k = 0
                var isAsync = false
                if firstText == "async", significant.count > 1, text(tokens[significant[1]]) == "def" { isAsync = true; k = 1 }
                let keyword = text(tokens[significant[k]])
                if (keyword == "def" || keyword == "class"), significant.count > k + 1, tokens[significant[k + 1]].kind == .name {
                    let name = text(tokens[significant[k + 1]])
                    let start = decoratorStart ?? lineStart(first.start)
                    var definition = PythonDefinition(
                        kind: keyword == "class" ? .class : .function, name: name, isAsync: isAsync, decorators: pendingDecorators,
                        indent: String(decoding: bytes[lineStart(first.start)..<first.start], as: UTF8.self),
                        start: start, end: lineEnd, line: lineNumber, parameters: [], parameterRange: nil, returns: nil, children: [])
                    if keyword == "def" { readSignature(significant: Array(significant[(k + 2)...]), into: &definition) }
                    if keyword == "class" {
                        // The bases: the positional entries of `class C(A, b.B, metaclass=M)`.
                        var header = definition
                        readSignature(significant: Array(significant[(k + 2)...]), into: &header)
                        definition.bases = header.parameters.filter { $0.kind == .regular && !$0.hasDefault }.map(\.text)
                    }
                    // Deeper than its container's body: inside a block that may not run.
                    definition.isConditional = depth > (stack.last?.depth ?? 0) || stack.last?.definition.isConditional == true
                    // A body on the next lines opens a block; `def f(): pass` on one line does not.
                    let lastText = text(tokens[significant.last!])
                    if lastText == ":" {
                        stack.append((definition, depth + 1))
                        // If no indented body follows, close it right away.
                        var m = j + 1
                        while m < tokens.count, !tokens[m].isSignificant || tokens[m].kind == .newline { m += 1 }
                        if m >= tokens.count || tokens[m].kind != .indent {
                            lastLineEnd = lineEnd
                            close(downTo: depth)
                        }
                    } else {
                        if stack.isEmpty { roots.append(definition) } else { stack[stack.count - 1].definition.children.append(definition) }
                    }
                }
                pendingDecorators = []
                decoratorStart = nil
            }
            lastLineEnd = lineEnd
            i = j + 1
        }
        close(downTo: -1)
        return roots
    }

    /// Reads `(params) -> returns:` from the tokens after the name.
    private func readSignature(significant: [Int], into definition: inout PythonDefinition) {
        guard let open = significant.first, text(tokens[open]) == "(" else { return }
        var level = 0
        var closeIndex: Int? = nil
        for (n, index) in significant.enumerated() {
            let t = text(tokens[index])
            if tokens[index].kind == .op {
                if t == "(" || t == "[" || t == "{" { level += 1 }
                if t == ")" || t == "]" || t == "}" { level -= 1; if level == 0 { closeIndex = n; break } }
            }
        }
        guard let closeIndex else { return }
        let rangeStart = tokens[open].end, rangeEnd = tokens[significant[closeIndex]].start
        definition.parameterRange = rangeStart..<rangeEnd
        // Split at top-level commas.
        var parts: [[Int]] = [[]]
        level = 0
        for index in significant[1..<closeIndex] {
            let t = text(tokens[index])
            if tokens[index].kind == .op {
                if t == "(" || t == "[" || t == "{" { level += 1 }
                if t == ")" || t == "]" || t == "}" { level -= 1 }
                if t == ",", level == 0 { parts.append([]); continue }
            }
            parts[parts.count - 1].append(index)
        }
        var keywordOnly = false
        var parameters: [PythonParameter] = []
        for part in parts where !part.isEmpty {
            let head = text(tokens[part[0]])
            let partText = String(decoding: bytes[tokens[part.first!].start..<tokens[part.last!].end], as: UTF8.self)
            let hasDefault = part.contains { text(tokens[$0]) == "=" && tokens[$0].kind == .op }
            switch head {
            case "/":
                parameters = parameters.map { var p = $0; if p.kind == .regular { p.kind = .positionalOnly }; return p }
            case "*":
                keywordOnly = true
                if part.count > 1, tokens[part[1]].kind == .name {
                    parameters.append(PythonParameter(name: text(tokens[part[1]]), kind: .variadic, hasDefault: false, text: partText))
                }
            case "**":
                if part.count > 1 {
                    parameters.append(PythonParameter(name: text(tokens[part[1]]), kind: .variadicKeyword, hasDefault: false, text: partText))
                }
            default:
                parameters.append(PythonParameter(name: head, kind: keywordOnly ? .keywordOnly : .regular, hasDefault: hasDefault, text: partText))
            }
        }
        definition.parameters = parameters
        // `-> annotation:` (a broken or cut-off header may have neither).
        if closeIndex + 2 < significant.count, text(tokens[significant[closeIndex + 1]]) == "->" {
            let from = significant[closeIndex + 2]
            let to = significant.last!
            let endToken = text(tokens[to]) == ":" ? significant[significant.count - 2] : to
            if endToken >= from, tokens[endToken].end >= tokens[from].start {
                definition.returns = String(decoding: bytes[tokens[from].start..<tokens[endToken].end], as: UTF8.self)
            }
        }
    }
}
