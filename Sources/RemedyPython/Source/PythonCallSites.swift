import Foundation
import RemedyCore

/// Finds where a root cause is reached from in Python files, by tokens (not text search):
/// `.name` attribute references for a missing attribute, import statements for a missing
/// module. Skipped tests count: the scan reads the files, not the tracebacks.
public struct PythonCallSites: CallSiteScanner {
    public init() {}

    public func callSites(for signatures: [Signature], files: [String], root: String) -> [[String: Int]] {
        var counts = [[String: Int]](repeating: [:], count: signatures.count)
        // Only causes the scan can find; no file is read for the others.
        let scannable = signatures.indices.filter { signatures[$0].parameters["name"] != nil && signatures[$0].kind == "AttributeError" || signatures[$0].parameters["module"] != nil }
        guard !scannable.isEmpty else { return counts }
        // A report read away from its repository names files that are not here: one look
        // per top folder rather than a failed open per file.
        var folderExists: [String: Bool] = [:]
        // Files come grouped by folder: the last answer is asked first. (Thousands of paths:
        // looked at as UTF-8 bytes, not as characters.)
        var last: (folder: String, exists: Bool)? = nil
        for var file in files {
            let look = file.withUTF8 { path -> (isPython: Bool, folder: Int?, sameAsLast: Bool) in
                guard path.count >= 3, path[path.count - 3] == UInt8(ascii: "."), path[path.count - 2] == UInt8(ascii: "p"),
                      path[path.count - 1] == UInt8(ascii: "y") else { return (false, nil, false) }
                guard let slash = path.firstIndex(of: UInt8(ascii: "/")) else { return (true, nil, false) }
                guard var folder = last?.folder, folder.utf8.count == slash else { return (true, slash, false) }
                return (true, slash, folder.withUTF8 { memcmp($0.baseAddress!, path.baseAddress!, slash) == 0 })
            }
            guard look.isPython else { continue }
            if let slash = look.folder {
                let exists: Bool
                if look.sameAsLast, let last {
                    exists = last.exists
                } else {
                    let folder = String(file.utf8.prefix(slash))!
                    exists = folderExists[folder] ?? (access(root + "/" + folder, F_OK) == 0)
                    folderExists[folder] = exists
                    last = (folder, exists)
                }
                if !exists { continue }
            }
            guard let bytes = FileBytes.read(root + "/" + file, limit: 8 << 20) else { continue }
            let source = PythonSource(bytes: bytes)
            for index in scannable {
                let signature = signatures[index]
                var n = 0
                if let name = signature.parameters["name"], signature.kind == "AttributeError" {
                    n = Self.attributeReferences(to: name, in: source).count
                } else if let module = signature.parameters["module"] {
                    n = Self.importsOf(module: module, in: source)
                }
                if n > 0 { counts[index][file] = n }
            }
        }
        return counts
    }

    public func testFiles(importing paths: [String], root: String) -> [String] {
        let modules = Set(paths.filter { $0.hasSuffix(".py") }.map(PythonModuleIndex.moduleName))
        guard !modules.isEmpty else { return [] }
        let index = PythonModuleIndex(root: root)
        return index.modules.values.filter { module in
            module.isTest && module.imports.contains { statement in
                statement.level == 0 && (modules.contains(statement.module) || statement.isFrom && statement.names.contains { modules.contains(statement.module + "." + $0.name) })
            }
        }.map(\.path).sorted()
    }

    /// Byte ranges of NAME tokens that follow a `.`: `obj.name`, `self.a.name(…)`.
    public static func attributeReferences(to name: String, in source: PythonSource) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        let target = Array(name.utf8)
        var previous: PythonTokenizer.Token? = nil
        for token in source.tokens where token.isSignificant {
            if token.kind == .name, let previous, previous.kind == .op, previous.end - previous.start == 1, source.bytes[previous.start] == 46,
               token.end - token.start == target.count, source.bytes[token.start..<token.end].elementsEqual(target) {
                ranges.append(token.start..<token.end)
            }
            previous = token
        }
        return ranges
    }

    /// How one call passes its arguments: `obj.name(a, b, key=c, *rest, **more)`.
    public struct CallShape: Sendable, Equatable {
        public var path: String
        public var line: Int
        public var positional: Int
        public var keywords: [String]
        /// `*args` or `**kwargs` at the call: the arity cannot be told.
        public var unpacks: Bool
    }

    /// The calls `….name(…)` in a file, with the shape of their arguments.
    public static func calls(to name: String, in source: PythonSource, path: String) -> [CallShape] {
        let significant = source.tokens.filter(\.isSignificant)
        var shapes: [CallShape] = []
        for reference in attributeReferences(to: name, in: source) {
            guard let at = significant.firstIndex(where: { $0.start == reference.lowerBound }), at + 1 < significant.count,
                  source.text(significant[at + 1]) == "(" else { continue }
            var shape = CallShape(path: path, line: source.line(of: reference.lowerBound), positional: 0, keywords: [], unpacks: false)
            var level = 0, k = at + 2
            var current: [PythonTokenizer.Token] = []
            func finish() {
                defer { current = [] }
                guard let first = current.first else { return }
                let head = source.text(first)
                if head == "*" || head == "**" { shape.unpacks = true; return }
                if current.count > 1, first.kind == .name, source.text(current[1]) == "=" { shape.keywords.append(head); return }
                shape.positional += 1
            }
            while k < significant.count {
                let token = significant[k], text = source.text(token)
                if token.kind == .op, ["(", "[", "{"].contains(text) { level += 1 }
                if token.kind == .op, [")", "]", "}"].contains(text) {
                    if level == 0 { finish(); break }
                    level -= 1
                }
                if level == 0, token.kind == .op, text == "," { finish(); k += 1; continue }
                current.append(token)
                k += 1
            }
            shapes.append(shape)
        }
        return shapes
    }

    /// Import statements whose dotted module name is `module` or starts with it.
    public static func importsOf(module: String, in source: PythonSource) -> Int {
        source.imports.filter { $0.level == 0 && ($0.module == module || $0.module.hasPrefix(module + ".")) }.count
    }
}
