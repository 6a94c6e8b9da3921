import Foundation
import RemedyCore

/// One symbol of a module, as `remedy symbols` prints it.
public struct PythonSymbol: Sendable, Equatable {
    public enum Kind: String, Sendable { case `class`, function, asyncFunction = "async-function", variable }

    public var name: String
    public var kind: Kind
    /// 1-based line of the `class`/`def` keyword or the assignment.
    public var line: Int
    /// The class, for methods.
    public var container: String?
    /// Defined under a top-level `if`/`try`/`with`/`for`/`while` (or in a class so
    /// defined): it exists only when that block runs, and `ast`'s `tree.body` leaves it out.
    public var conditional = false

    public init(name: String, kind: Kind, line: Int, container: String? = nil, conditional: Bool = false) {
        self.name = name
        self.kind = kind
        self.line = line
        self.container = container
        self.conditional = conditional
    }
}

/// Reads a module's symbols from its tokens in one pass: top-level classes, functions and
/// assigned names (`a = b = …`, `x: T = …`), and each top-level class's methods — the
/// same set Python's `ast` gives for `tree.body` and each class body — and, marked
/// conditional, the same under top-level `if`/`try`/`with`/`for`/`while` blocks.
public enum PythonSymbols {
    static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
        "pass", "raise", "return", "try", "while", "with", "yield", "match", "case", "type",
    ]

    public static func read(_ bytes: [UInt8]) -> [PythonSymbol] {
        let tokens = PythonTokenizer.tokenize(bytes)
        var symbols: [PythonSymbol] = []
        var line = 1
        var counted = 0
        /// The blocks the current line is in, outermost first, and what the last logical
        /// line opens (its INDENT pushes it).
        enum Block { case conditional, `class`(String), other }
        var blocks: [Block] = []
        var opening: Block = .other
        /// Where symbols go at this point: the module (nil container) or a class, and
        /// whether conditionally; nil where nothing is collected (function bodies…).
        func scope() -> (container: String?, conditional: Bool)? {
            var container: String? = nil, conditional = false
            for block in blocks {
                switch block {
                case .conditional: conditional = true
                case let .class(name): if container != nil { return nil }; container = name
                case .other: return nil
                }
            }
            return (container, conditional)
        }
        var i = 0
        let n = tokens.count
        @inline(__always) func text(_ t: PythonTokenizer.Token) -> String { String(decoding: bytes[t.start..<t.end], as: UTF8.self) }
        @inline(__always) func isWord(_ t: PythonTokenizer.Token, _ word: StaticString) -> Bool {
            guard t.kind == .name, t.end - t.start == word.utf8CodeUnitCount else { return false }
            return word.withUTF8Buffer { w in
                var k = 0
                while k < w.count { if bytes[t.start + k] != w[k] { return false }; k += 1 }
                return true
            }
        }
        @inline(__always) func isOp(_ t: PythonTokenizer.Token, _ byte: UInt8) -> Bool {
            t.kind == .op && t.end - t.start == 1 && bytes[t.start] == byte
        }
        /// The next significant token at or after k.
        @inline(__always) func next(_ k: Int) -> Int {
            var k = k
            while k < n, !tokens[k].isSignificant { k += 1 }
            return k
        }
        while i < n {
            let t = tokens[i]
            switch t.kind {
            case .indent: blocks.append(opening); opening = .other; i += 1; continue
            case .dedent:
                if !blocks.isEmpty { blocks.removeLast() }
                i += 1
                continue
            case .newline, .endMarker: i += 1; continue
            default: break
            }
            guard t.isSignificant else { i += 1; continue }
            // A logical line starts at token i.
            while counted < t.start { if bytes[counted] == 10 { line += 1 }; counted += 1 }
            opening = .other
            let here = scope()
            if isWord(t, "if") || isWord(t, "elif") || isWord(t, "else") || isWord(t, "try") || isWord(t, "except")
                || isWord(t, "finally") || isWord(t, "with") || isWord(t, "for") || isWord(t, "while")
                || (isWord(t, "async") && (isWord(tokens[next(i + 1)], "with") || isWord(tokens[next(i + 1)], "for"))) {
                opening = .conditional
            }
            if let here, here.container == nil {
                let conditional = here.conditional
                var k = i
                if isOp(tokens[k], 64) { // decorator line: its definition follows on a later line
                } else if isWord(tokens[k], "class") {
                    let nameIndex = next(k + 1)
                    if nameIndex < n, tokens[nameIndex].kind == .name {
                        let name = text(tokens[nameIndex])
                        symbols.append(PythonSymbol(name: name, kind: .class, line: line, conditional: conditional))
                        opening = .class(name)
                    }
                } else if isWord(tokens[k], "def") || (isWord(tokens[k], "async") && isWord(tokens[next(k + 1)], "def")) {
                    let isAsync = isWord(tokens[k], "async")
                    if isAsync { k = next(k + 1) }
                    let nameIndex = next(k + 1)
                    if nameIndex < n, tokens[nameIndex].kind == .name {
                        let defLine = line + bytes[t.start..<tokens[k].start].reduce(0) { $1 == 10 ? $0 + 1 : $0 }
                        symbols.append(PythonSymbol(name: text(tokens[nameIndex]), kind: isAsync ? .asyncFunction : .function, line: defLine,
                                                    conditional: conditional))
                    }
                } else if tokens[k].kind == .name {
                    // NAME = … (chained), NAME: T = …; and again after each top-level `;`.
                    var targets: [String] = []
                    var statementStarts = [k]
                    var level = 0
                    var m = k
                    while m < n, tokens[m].kind != .newline, tokens[m].kind != .endMarker {
                        if tokens[m].kind == .op {
                            let b = bytes[tokens[m].start]
                            if b == 40 || b == 91 || b == 123 { level += 1 } else if b == 41 || b == 93 || b == 125 { level -= 1 }
                            else if b == 59, level == 0 { statementStarts.append(next(m + 1)) }
                        }
                        m += 1
                    }
                    for start in statementStarts {
                    k = start
                    while k < n, tokens[k].kind == .name {
                        let name = text(tokens[k])
                        if keywords.contains(name) { break }
                        let after = next(k + 1)
                        guard after < n else { break }
                        if isOp(tokens[after], 58) { // annotation
                            targets.append(name)
                            break
                        }
                        guard isOp(tokens[after], 61) else { break } // '=' (not '==': that is two bytes)
                        targets.append(name)
                        k = next(after + 1)
                    }
                    }
                    for name in targets { symbols.append(PythonSymbol(name: name, kind: .variable, line: line, conditional: conditional)) }
                }
            } else if let here, let owner = here.container {
                var k = i
                let isAsync = isWord(tokens[k], "async")
                if isAsync { k = next(k + 1) }
                if isWord(tokens[k], "def") {
                    let nameIndex = next(k + 1)
                    if nameIndex < n, tokens[nameIndex].kind == .name {
                        symbols.append(PythonSymbol(name: text(tokens[nameIndex]), kind: isAsync ? .asyncFunction : .function, line: line,
                                                    container: owner, conditional: here.conditional))
                    }
                }
            }
            // Skip to the end of the logical line.
            while i < n, tokens[i].kind != .newline, tokens[i].kind != .endMarker { i += 1 }
        }
        return symbols
    }

    /// The symbols of every Python file under `root`, read on all cores, in path order,
    /// as JSON lines `{"module","path","name","kind","line","container"}`.
    public static func jsonLines(root: String, files: [String]) -> (output: [UInt8], symbols: Int, skipped: [String]) {
        let workers = UsableCores.count
        final class Results: @unchecked Sendable {
            var chunks: [[UInt8]]
            var counts: [Int]
            var skipped: [[String]]
            init(_ n: Int) { chunks = Array(repeating: [], count: n); counts = Array(repeating: 0, count: n); skipped = Array(repeating: [], count: n) }
        }
        let results = Results(files.count)
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index = next.increment()
                guard index < files.count else { return }
                let path = files[index]
                guard let data = FileManager.default.contents(atPath: root + "/" + path) else {
                    results.skipped[index] = ["\(path): cannot be read"]
                    continue
                }
                if data.count > 16 << 20 {
                    results.skipped[index] = ["\(path): larger than 16 MB"]
                    continue
                }
                let bytes = [UInt8](data)
                if bytes.prefix(8192).contains(0) {
                    results.skipped[index] = ["\(path): binary (has NUL bytes)"]
                    continue
                }
                let module = PythonModuleIndex.moduleName(path)
                let symbols = read(bytes)
                var out: [UInt8] = []
                out.reserveCapacity(symbols.count * 96)
                for symbol in symbols {
                    out += Array("{\"module\": ".utf8); appendJSONString(module, to: &out)
                    out += Array(", \"path\": ".utf8); appendJSONString(path, to: &out)
                    out += Array(", \"name\": ".utf8); appendJSONString(symbol.name, to: &out)
                    out += Array(", \"kind\": \"\(symbol.kind.rawValue)\", \"line\": \(symbol.line), \"container\": ".utf8)
                    if let container = symbol.container { appendJSONString(container, to: &out) } else { out += Array("null".utf8) }
                    out += Array((symbol.conditional ? ", \"conditional\": true}\n" : "}\n").utf8)
                }
                results.chunks[index] = out
                results.counts[index] = symbols.count
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity(results.chunks.reduce(0) { $0 + $1.count })
        for chunk in results.chunks { output += chunk }
        return (output, results.counts.reduce(0, +), results.skipped.flatMap { $0 })
    }

    static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        out.append(34)
        for byte in text.utf8 {
            switch byte {
            case 34: out += [92, 34]
            case 92: out += [92, 92]
            case 10: out += [92, 110]
            case 13: out += [92, 114]
            case 9: out += [92, 116]
            case 0..<32: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        out.append(34)
    }
}

/// A lock-guarded counter handing out work to threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.withLock { defer { value += 1 }; return value } }
}
