import Foundation

/// The repository's Python modules by dotted name, with the names each binds at its top
/// level: where a name now lives, and who imports a module. Module names come from paths
/// (`pkg/mod.py` → `pkg.mod`, `pkg/__init__.py` → `pkg`), with a `src/` layout's prefix
/// dropped.
public struct PythonModuleIndex: Sendable {
    /// One module of the repository.
    public struct Module: Sendable {
        public var name: String
        public var path: String
        /// Every name bound at the top level, re-exported imports included.
        public var names: Set<String>
        /// Names the module itself defines (classes, functions, assignments).
        public var defines: Set<String>
        public var imports: [PythonImport]
        /// A test module (`test_*.py`, `*_test.py`, `conftest.py`): never where a name lives.
        public var isTest: Bool {
            let file = (path as NSString).lastPathComponent
            return file.hasPrefix("test_") || file.hasSuffix("_test.py") || file == "conftest.py"
        }
    }

    public private(set) var modules: [String: Module] = [:]
    public let root: String

    public init(root: String) {
        self.root = root
        for path in PythonFiles.list(root: root) {
            guard let data = FileManager.default.contents(atPath: root + "/" + path), data.count < 8 << 20 else { continue }
            let source = PythonSource(bytes: [UInt8](data))
            let name = Self.moduleName(path)
            let imports = source.imports
            let all = source.topLevelNames
            var imported: Set<String> = []
            for entry in imports where entry.topLevel { for n in entry.names { imported.insert(entry.isFrom ? n.bound : (n.alias ?? n.name)) } }
            let defined = all.subtracting(imported).union(source.definitions.map(\.name))
            modules[name] = Module(name: name, path: path, names: all, defines: defined, imports: imports)
        }
    }

    /// `src/pkg/mod.py` → `pkg.mod`; `pkg/__init__.py` → `pkg`.
    public static func moduleName(_ path: String) -> String {
        var parts = path.split(separator: "/").map(String.init)
        if parts.first == "src", parts.count > 1 { parts.removeFirst() }
        if let last = parts.last, last.hasSuffix(".py") { parts[parts.count - 1] = String(last.dropLast(3)) }
        if parts.last == "__init__" { parts.removeLast() }
        return parts.joined(separator: ".")
    }

    public func module(_ name: String) -> Module? { modules[name] }

    /// Modules that define every one of the names — or, when none does, re-export them —
    /// never test modules; best first (the module name most like `near`).
    public func modules(defining names: [String], near: String? = nil, excluding: Set<String> = []) -> [Module] {
        let candidates = modules.values.filter { !$0.isTest && !excluding.contains($0.name) }
        var found = candidates.filter { module in names.allSatisfy(module.defines.contains) }
        if found.isEmpty { found = candidates.filter { module in names.allSatisfy(module.names.contains) } }
        guard let near else { return found.sorted { $0.name < $1.name } }
        return found.sorted { a, b in
            let x = NameSimilarity.score(near, a.name), y = NameSimilarity.score(near, b.name)
            return x != y ? x > y : a.name < b.name
        }
    }

    /// Modules whose name's last part is `last` (a module that moved).
    public func modules(named last: String) -> [Module] {
        modules.values.filter { $0.name == last || $0.name.hasSuffix("." + last) }.sorted { $0.name < $1.name }
    }
}
