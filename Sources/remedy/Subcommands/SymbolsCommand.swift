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

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RemedyError.badInput("\(folder): no such folder")
        }
        let root = URL(fileURLWithPath: folder).standardizedFileURL.path
        let files = PythonFiles.list(root: root, includeEverything: true)
        let (output, count, skipped) = PythonSymbols.jsonLines(root: root, files: files)
        for problem in skipped { Console.warning("skipped \(problem)") }
        if format == .json {
            FileHandle.standardOutput.write(Data(output))
        } else {
            // Text: module, kind and name, one a line.
            for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
                let container = (object["container"] as? String).map { "\($0)." } ?? ""
                Console.output("\(object["path"] ?? ""):\(object["line"] ?? "")  \(object["kind"] ?? "")  \(object["module"] ?? "").\(container)\(object["name"] ?? "")\n")
            }
        }
        FileHandle.standardError.write(Data("remedy: \(count) symbols in \(files.count) files\n".utf8))
    }
}
