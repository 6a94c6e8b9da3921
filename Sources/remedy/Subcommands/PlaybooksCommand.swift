import ArgumentParser
import Foundation
import RemedyCore
import RemedyPython

/// `remedy playbooks list|lint [DIR]`: the rules Remedy knows, for playbook authors.
struct PlaybooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "playbooks",
        abstract: "List and check playbook rules.",
        subcommands: [List.self, Lint.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the shipped rules and those in the given folders.")
        @Argument(help: ArgumentHelp("Extra playbook folders.", valueName: "DIR")) var folders: [String] = []
        @OptionGroup var common: CommonOptions

        func run() throws {
            let pack = PythonPack()
            let rules = try PlaybookLoader(actions: pack.actionRegistry).load(folders: common.playbooks + folders, embedded: Embedded.playbooks)
            if common.format == .json {
                struct Row: Encodable { var id, title, language, file: String; var strategies: [String] }
                Console.output(try JSONOutput.encode(rules.map { Row(id: $0.id, title: $0.title, language: $0.language, file: $0.file, strategies: $0.strategies.map(\.action)) }) + "\n")
                return
            }
            let rows = rules.map { [$0.id, $0.title, $0.strategies.map(\.action).joined(separator: ", "), $0.file] }
            Console.output(TextTable.render(["Rule", "Title", "Actions", "File"], rows, indent: "") + "\n")
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check rules: schema, regexes, templates, actions, unique ids.")
        @Argument(help: ArgumentHelp("Playbook folders (default: the shipped rules).", valueName: "DIR")) var folders: [String] = []

        func run() throws {
            let pack = PythonPack()
            let rules = try PlaybookLoader(actions: pack.actionRegistry).load(folders: folders, embedded: folders.isEmpty ? Embedded.playbooks : [])
            Console.output("\(rules.count) rule\(rules.count == 1 ? "" : "s") OK\n")
        }
    }
}
