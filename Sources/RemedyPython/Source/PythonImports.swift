import RemedyCore

/// One import statement with the byte ranges a rewrite needs.
public struct PythonImport: Sendable, Equatable {
    /// One imported name and its alias (`X as Y`); for `import a.b as c`, the module and `c`.
    public struct Name: Sendable, Equatable {
        public var name: String
        public var alias: String?
        /// Byte range of `name [as alias]` in a `from` import.
        public var range: Range<Int>? = nil

        public init(name: String, alias: String?, range: Range<Int>? = nil) {
            self.name = name
            self.alias = alias
            self.range = range
        }

        public static func == (a: Name, b: Name) -> Bool { a.name == b.name && a.alias == b.alias }
        /// The name the importing module binds.
        public var bound: String { alias ?? name }
    }

    /// `from M import …` (true) or `import M` (false).
    public var isFrom: Bool
    /// The dotted module, without the leading dots of a relative import.
    public var module: String
    /// Leading dots of a relative import (`from ..a import x` has 2).
    public var level: Int
    /// Byte range of the module's text (dots included for a relative import).
    public var moduleRange: Range<Int>
    /// Byte range of the whole statement.
    public var range: Range<Int>
    public var names: [Name]
    /// Whether the statement sits at the module's top level.
    public var topLevel: Bool
    public var line: Int
}

extension PythonSource {
    /// An edit that adds `statement` on its own line right after the line of `anchor`
    /// (an import), with the same indentation and the file's line break.
    public func insertLine(_ statement: String, after anchor: PythonImport, in path: String) -> Edit {
        let lineStart = bytes[..<anchor.range.lowerBound].lastIndex(of: 10).map { $0 + 1 } ?? 0
        let indent = text(lineStart..<anchor.range.lowerBound)
        var end = anchor.range.upperBound
        while end < bytes.count, bytes[end] != 10 { end += 1 }
        let text = (end < bytes.count ? "" : lineBreak) + indent + statement + lineBreak
        return Edit.insert(text, at: min(end + 1, bytes.count), in: path)
    }

    /// Every import statement in the file, nested ones included, in order. A statement
    /// importing several modules (`import a, b`) gives one entry per module.
    public var imports: [PythonImport] {
        var result: [PythonImport] = []
        var depth = 0
        var i = 0
        var line = 1
        var counted = 0
        let significant = tokens.enumerated().filter { $0.element.isSignificant || $0.element.kind == .indent || $0.element.kind == .dedent }.map(\.element)
        func text(_ t: PythonTokenizer.Token) -> String { self.text(t) }
        while i < significant.count {
            let t = significant[i]
            if t.kind == .indent { depth += 1; i += 1; continue }
            if t.kind == .dedent { depth -= 1; i += 1; continue }
            // A logical line: tokens up to the newline.
            var j = i
            while j < significant.count, significant[j].kind != .newline, significant[j].kind != .endMarker { j += 1 }
            let lineTokens = Array(significant[i..<j])
            while counted < t.start { if bytes[counted] == 10 { line += 1 }; counted += 1 }
            i = j + 1
            guard let first = lineTokens.first, first.kind == .name else { continue }
            let keyword = text(first)
            guard keyword == "import" || keyword == "from" else { continue }
            let end = lineTokens.last!.end
            var k = 1
            /// A dotted module name from token k on: leading dots (relative), then NAME (. NAME)*.
            func dotted() -> (String, Range<Int>, Int)? {
                var level = 0
                var name = ""
                var start: Int? = nil
                var stop = 0
                while k < lineTokens.count, lineTokens[k].kind == .op, text(lineTokens[k]) == "." || text(lineTokens[k]) == "..." {
                    if start == nil { start = lineTokens[k].start }
                    level += lineTokens[k].end - lineTokens[k].start
                    stop = lineTokens[k].end
                    k += 1
                }
                while k < lineTokens.count, lineTokens[k].kind == .name, text(lineTokens[k]) != "import", text(lineTokens[k]) != "as" {
                    if start == nil { start = lineTokens[k].start }
                    name += text(lineTokens[k])
                    stop = lineTokens[k].end
                    k += 1
                    guard k + 1 < lineTokens.count, text(lineTokens[k]) == ".", lineTokens[k + 1].kind == .name else { break }
                    name += "."
                    k += 1
                }
                guard let start else { return nil }
                return (name, start..<stop, level)
            }
            if keyword == "from" {
                guard let (module, range, level) = dotted(), k < lineTokens.count, text(lineTokens[k]) == "import" else { continue }
                k += 1
                var names: [PythonImport.Name] = []
                while k < lineTokens.count {
                    let token = lineTokens[k]
                    let value = text(token)
                    if token.kind == .name || value == "*" {
                        var alias: String? = nil
                        let start = token.start
                        if k + 2 < lineTokens.count, text(lineTokens[k + 1]) == "as" { alias = text(lineTokens[k + 2]); k += 2 }
                        names.append(PythonImport.Name(name: value, alias: alias, range: start..<lineTokens[k].end))
                    }
                    k += 1
                }
                result.append(PythonImport(isFrom: true, module: module, level: level, moduleRange: range, range: first.start..<end,
                                           names: names, topLevel: depth == 0, line: line))
            } else {
                while k < lineTokens.count {
                    guard let (module, range, _) = dotted() else { k += 1; continue }
                    var alias: String? = nil
                    if k + 1 < lineTokens.count, text(lineTokens[k]) == "as" { alias = text(lineTokens[k + 1]); k += 2 }
                    result.append(PythonImport(isFrom: false, module: module, level: 0, moduleRange: range, range: first.start..<end,
                                               names: [PythonImport.Name(name: module, alias: alias)], topLevel: depth == 0, line: line))
                    if k < lineTokens.count, text(lineTokens[k]) == "," { k += 1 }
                }
            }
        }
        return result
    }

    /// Names bound at the module's top level: classes, functions, assignments and imports
    /// (what `from this_module import X` can take).
    /// The names the module's top-level `__all__` lists (`__all__ = [...]`, `+= (...)`,
    /// `.extend([...])`, `.append("x")`), in order; nil when it has none.
    public var exports: [String]? {
        var names: [String]? = nil
        var depth = 0, k = 0
        let significant = tokens.filter { $0.isSignificant || $0.kind == .indent || $0.kind == .dedent }
        var atLineStart = true
        while k < significant.count {
            let token = significant[k]
            if token.kind == .indent { depth += 1; k += 1; continue }
            if token.kind == .dedent { depth -= 1; k += 1; continue }
            if token.kind == .newline { atLineStart = true; k += 1; continue }
            defer { atLineStart = false }
            guard depth == 0, atLineStart, token.kind == .name, text(token) == "__all__", k + 1 < significant.count else { k += 1; continue }
            let next = text(significant[k + 1])
            guard next == "=" || next == "+=" || next == "." else { k += 1; continue }
            if next == "=" { names = [] }
            var m = k + 1
            while m < significant.count, significant[m].kind != .newline {
                if significant[m].kind == .string {
                    let literal = text(significant[m])
                    if let quote = literal.firstIndex(where: { $0 == "'" || $0 == "\"" }), literal[..<quote].allSatisfy({ "uU".contains($0) }) {
                        let body = literal[literal.index(after: quote)...].dropLast()
                        names = (names ?? []) + [String(body)]
                    }
                }
                m += 1
            }
            k = m
        }
        return names
    }

    public var topLevelNames: Set<String> {
        var names = Set(definitions.map(\.name))
        for entry in imports where entry.topLevel {
            for name in entry.names where name.name != "*" {
                names.insert(entry.isFrom ? name.bound : (name.alias ?? String(name.name.prefix { $0 != "." })))
            }
        }
        // Assignments at depth 0: `NAME = …`, `NAME: T = …`, `A = B = …`.
        var depth = 0
        var atLineStart = true
        var previousName: String? = nil
        for token in tokens {
            switch token.kind {
            case .indent: depth += 1; continue
            case .dedent: depth -= 1; continue
            case .newline: atLineStart = true; previousName = nil; continue
            case .whitespace, .comment, .nl, .continuation: continue
            default: break
            }
            guard depth == 0 else { atLineStart = false; continue }
            if token.kind == .name, atLineStart {
                previousName = text(token)
            } else if token.kind == .op, let name = previousName, text(token) == "=" || text(token) == ":" {
                names.insert(name)
                previousName = nil
            } else {
                previousName = nil
            }
            atLineStart = false
        }
        return names
    }
}
