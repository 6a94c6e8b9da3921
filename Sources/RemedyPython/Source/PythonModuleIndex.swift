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
        /// What its `__all__` lists, when it has one: the names it means to export.
        public var exports: [String]?
        /// Its top-level classes by name (the last one when a name is bound twice).
        public var classes: [String: PythonDefinition]
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
            var classes: [String: PythonDefinition] = [:]
            for definition in source.definitions where definition.kind == .class { classes[definition.name] = definition }
            let exports = source.exports
            modules[name] = Module(name: name, path: path, names: all, defines: defined, imports: imports, exports: exports, classes: classes)
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
        if found.isEmpty {
            // Re-exports — but not a module that takes the names from the old place itself
            // (the broken import that asked the question).
            found = candidates.filter { module in
                names.allSatisfy(module.names.contains) && !names.contains { name in
                    guard let near, let origin = origin(of: name, in: module) else { return false }
                    return origin == near || origin.hasPrefix(near + ".")
                }
            }
        }
        guard let near else { return found.sorted { $0.name < $1.name } }
        // A module that lists the names in its `__all__` is where they are meant to be
        // imported from: first, then the name most like the old one.
        let exported = Set(found.filter { module in module.exports.map { list in names.allSatisfy(list.contains) } ?? false }.map(\.name))
        return found.sorted { a, b in
            if exported.contains(a.name) != exported.contains(b.name) { return exported.contains(a.name) }
            let x = NameSimilarity.score(near, a.name), y = NameSimilarity.score(near, b.name)
            return x != y ? x > y : a.name < b.name
        }
    }

    /// Who imports module `name` (or something inside it), in path order: absolute and
    /// relative imports, at the top level or inside functions.
    public func importers(of name: String) -> [Module] {
        modules.values.filter { module in
            module.imports.contains { statement in
                let target = absolute(statement, in: module)
                return target == name || target.hasPrefix(name + ".")
                    || (statement.isFrom && statement.names.contains { target + "." + $0.name == name })
            }
        }.sorted { $0.path < $1.path }
    }

    /// The methods of class `name` of module `module`, with those it inherits from classes
    /// of the repository (depth first, left to right, as Python's MRO for single
    /// inheritance); a method defined lower hides the one above. Each with its class's
    /// dotted name. Bases outside the repository are not followed.
    public func methods(ofClass name: String, in module: String) -> [(method: PythonDefinition, owner: String)] {
        var result: [(PythonDefinition, String)] = []
        var seen: Set<String> = [], visited: Set<String> = []
        func visit(_ className: String, _ moduleName: String) {
            guard visited.insert(moduleName + "." + className).inserted, let owner = modules[moduleName] else { return }
            guard let definition = owner.classes[className] else {
                // A re-export (`from .base import Base as Model` in a package's __init__).
                if let (nextModule, nextClass) = resolve(className, from: owner) { visit(nextClass, nextModule) }
                return
            }
            for method in definition.methods where seen.insert(method.name).inserted { result.append((method, moduleName + "." + className)) }
            for base in definition.bases {
                if let (baseModule, baseClass) = resolve(base, from: owner) { visit(baseClass, baseModule) }
            }
        }
        visit(name, module)
        return result
    }

    /// Where a base class named in `module` is defined: the module's own class, a name it
    /// imports (`from m import B as C`), or `alias.B` through `import m as alias`.
    func resolve(_ base: String, from module: Module) -> (module: String, name: String)? {
        let parts = base.split(separator: ".").map(String.init)
        if parts.count == 1 {
            if module.classes[base] != nil { return (module.name, base) }
            for statement in module.imports where statement.isFrom {
                if let entry = statement.names.first(where: { $0.bound == base }) { return (absolute(statement, in: module), entry.name) }
            }
            return nil
        }
        let prefix = parts.dropLast().joined(separator: ".")
        for statement in module.imports where !statement.isFrom {
            for entry in statement.names where (entry.alias ?? entry.name) == prefix { return (entry.name, parts.last!) }
        }
        for statement in module.imports where statement.isFrom {
            if let entry = statement.names.first(where: { $0.bound == prefix }) { return (absolute(statement, in: module) + "." + entry.name, parts.last!) }
        }
        return nil
    }

    /// The dotted module a statement imports from, relative imports resolved against the
    /// importing module's package.
    func absolute(_ statement: PythonImport, in module: Module) -> String {
        guard statement.level > 0 else { return statement.module }
        var package = module.name.split(separator: ".").map(String.init)
        if !module.path.hasSuffix("__init__.py") { package = Array(package.dropLast()) }
        package = Array(package.dropLast(max(0, statement.level - 1)))
        return (package + (statement.module.isEmpty ? [] : [statement.module])).joined(separator: ".")
    }

    /// Where a name a module imports comes from in the end: the from-imports followed
    /// through the repository's modules (a few steps) to the first module outside it, or
    /// the repository module that defines it; nil when the module does not import it.
    func origin(of name: String, in module: Module, depth: Int = 0) -> String? {
        guard depth < 8 else { return nil }
        for statement in module.imports where statement.isFrom {
            guard let entry = statement.names.first(where: { $0.bound == name }) else { continue }
            let source = absolute(statement, in: module)
            guard let next = modules[source] else { return source }
            if next.defines.contains(entry.name) { return source }
            return origin(of: entry.name, in: next, depth: depth + 1) ?? source
        }
        return nil
    }

    /// Modules whose name's last part is `last` (a module that moved).
    public func modules(named last: String) -> [Module] {
        modules.values.filter { $0.name == last || $0.name.hasSuffix("." + last) }.sorted { $0.name < $1.name }
    }
}
