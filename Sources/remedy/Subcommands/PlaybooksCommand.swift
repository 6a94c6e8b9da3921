import ArgumentParser
import Foundation
import RemedyCore
import RemedyPython

/// `remedy playbooks list|lint [DIR]`: the rules Remedy knows, for playbook authors.
struct PlaybooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "playbooks",
        abstract: "List and check playbook rules.",
        subcommands: [List.self, Lint.self, Test.self])

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

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the examples beside each rule: match, apply the first strategy that applies, compare with after/, apply again.")
        @Argument(help: ArgumentHelp("Playbook folders (default: the shipped rules).", valueName: "DIR")) var folders: [String] = []
        @Option(name: .long, help: "text or json.") var format: ReportFormat = .text
        @Option(name: .long, help: ArgumentHelp("The Python the probe uses for examples with skipped tests.", valueName: "PATH")) var python: String = "python3"

        func run() async throws {
            let pack = PythonPack()
            var roots = folders
            let shipped = FileManager.default.temporaryDirectory.appendingPathComponent("remedy-playbooks-\(UUID().uuidString.prefix(8))").path
            defer { try? FileManager.default.removeItem(atPath: shipped) }
            if roots.isEmpty {
                try Embedded.writePlaybooks(to: shipped)
                roots = [shipped]
            }
            let rules = try PlaybookLoader(actions: pack.actionRegistry).load(folders: roots)
            var results: [PlaybookExamples.Result] = []
            for rule in rules { results += await PlaybookExamples(pack: pack, probeInterpreter: python).run(rule) }
            if format == .json {
                Console.output(try JSONOutput.encode(results) + "\n")
            } else {
                for result in results {
                    Console.output("\(result.passed ? "PASS" : "FAIL")  \(result.rule)/\(result.example)\n")
                    for problem in result.problems { Console.output("      " + problem.replacingOccurrences(of: "\n", with: "\n      ") + "\n") }
                }
                let withoutExamples = rules.filter { rule in !results.contains { $0.rule == rule.id } }.map(\.id)
                if !withoutExamples.isEmpty { Console.output("no examples: \(withoutExamples.joined(separator: ", "))\n") }
                Console.output("\(results.filter(\.passed).count) of \(results.count) examples passed\n")
            }
            if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
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
