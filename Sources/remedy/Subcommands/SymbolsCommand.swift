import ArgumentParser
import Foundation
import RemedyCore
import RemedyPython

/// `remedy symbols DIR`: the Python symbol index — every module's top-level classes,
/// functions and assigned names, and each class's methods.
struct SymbolsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "symbols",
        abstract: "List the Python symbols under a folder (JSON lines with --format json).")

    @Argument(help: ArgumentHelp("The folder to index.", valueName: "DIR"))
    var folder: String

    @Option(name: .long, help: "text or json (one object a line: module, path, name, kind, line, container).")
    var format: ReportFormat = .text

    @Option(name: .long, help: ArgumentHelp("Instead: the modules that import MODULE (or something in it).", valueName: "MODULE"))
    var importersOf: String?

    @Option(name: .long, help: ArgumentHelp("Instead: the methods of MODULE.CLASS, inherited ones (from classes in the folder) included.", valueName: "MODULE.CLASS"))
    var methodsOf: String?

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RemedyError.badInput("\(folder): no such folder")
        }
        let root = URL(fileURLWithPath: folder).standardizedFileURL.path
        if importersOf != nil || methodsOf != nil { return try query(root: root) }
        let files = PythonFiles.list(root: root, includeEverything: true)
        let (output, count, skipped) = PythonSymbols.jsonLines(root: root, files: files)
        for problem in skipped { Console.warning("skipped \(problem)") }
        if format == .json {
            StandardStream.output.write(output)
        } else {
            // Text: module, kind and name, one a line.
            for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
                let container = (object["container"] as? String).map { "\($0)." } ?? ""
                Console.output("\(object["path"] ?? ""):\(object["line"] ?? "")  \(object["kind"] ?? "")  \(object["module"] ?? "").\(container)\(object["name"] ?? "")\n")
            }
        }
        StandardStream.error.write("remedy: \(count) symbols in \(files.count) files\n")
    }

    /// `--importers-of` and `--methods-of`: questions to the module index.
    private func query(root: String) throws {
        let index = PythonModuleIndex(root: root)
        struct Row: Encodable { var module, path: String; var name: String?; var line: Int?; var container: String? }
        var rows: [Row] = []
        if let module = importersOf {
            rows = index.importers(of: module).map { Row(module: $0.name, path: $0.path) }
        } else if let target = methodsOf {
            guard let dot = target.lastIndex(of: "."), index.module(String(target[..<dot]))?.classes[String(target[target.index(after: dot)...])] != nil else {
                throw RemedyError.badInput("\(target): no such class in \(folder) (give module.Class, e.g. app.models.User)")
            }
            rows = index.methods(ofClass: String(target[target.index(after: dot)...]), in: String(target[..<dot])).map { method, owner in
                let ownerDot = owner.lastIndex(of: ".")!
                let ownerModule = String(owner[..<ownerDot])
                return Row(module: ownerModule, path: index.module(ownerModule)?.path ?? "", name: method.name, line: method.line,
                           container: String(owner[owner.index(after: ownerDot)...]))
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for row in rows {
            if format == .json {
                Console.output(String(decoding: try encoder.encode(row), as: UTF8.self) + "\n")
            } else {
                Console.output(row.name.map { "\(row.path):\(row.line ?? 0)  \(row.container ?? "").\($0)" } ?? row.path)
                Console.output("\n")
            }
        }
    }
}
