import ArgumentParser
import RemedyGit
import Foundation
import RemedyCore
import RemedyPython

/// `remedy playbooks list|lint [DIR]`: the rules Remedy knows, for playbook authors.
struct PlaybooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "playbooks",
        abstract: "List and check playbook rules.",
        subcommands: [List.self, Lint.self, Test.self, New.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the shipped rules and those in the given folders.")
        @Argument(help: ArgumentHelp("Extra playbook folders.", valueName: "DIR")) var folders: [String] = []
        @OptionGroup var common: CommonOptions

        func run() throws {
            let pack = PythonPack()
            let shipped = try Embedded.playbooksFolder()
            let rules = try PlaybookLoader(actions: pack.actionRegistry).load(folders: [shipped] + common.playbooks + folders)
            if common.format == .json {
                struct Row: Encodable { var id, title, language, file: String; var strategies: [String] }
                Console.output(try JSONOutput.encode(rules.map { Row(id: $0.id, title: $0.title, language: $0.language, file: $0.file, strategies: $0.strategies.map(\.action)) }) + "\n")
                return
            }
            let rows = rules.map { [$0.id, $0.title, $0.strategies.map(\.action).joined(separator: ", "),
                                    $0.file.hasPrefix(shipped + "/") ? "shipped: " + $0.file.dropFirst(shipped.count + 1) : $0.file] }
            Console.output(TextTable.render(["Rule", "Title", "Actions", "File"], rows, indent: "") + "\n")
        }
    }

    struct Test: InPlaceCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Run the examples beside each rule: match, apply the first strategy that applies, compare with after/, apply again.")
        @Argument(help: ArgumentHelp("Playbook folders (default: the shipped rules).", valueName: "DIR")) var folders: [String] = []
        @Option(name: .long, help: "text or json.") var format: ReportFormat = .text
        @Option(name: .long, help: ArgumentHelp("The Python the probe uses for examples with skipped tests.", valueName: "PATH")) var python: String = "python3"

        func runHere() async throws {
            let pack = PythonPack()
            let roots = folders.isEmpty ? [try Embedded.playbooksFolder()] : folders
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

    struct New: InPlaceCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Start a rule from a real failure: the rule file and an example (log, before/, after/) beside it.")
        @Argument(help: ArgumentHelp("The new rule's id, e.g. python.my-rename.", valueName: "ID")) var id: String
        @Option(name: .customLong("from"), help: ArgumentHelp("The log with the failure.", valueName: "LOG")) var log: String
        @Option(name: .long, help: ArgumentHelp("The failing test to start from (default: the cause with most tests).", valueName: "TEST")) var test: String?
        @Option(name: .long, help: ArgumentHelp("The project the log comes from (its files become before/).", valueName: "DIR")) var repo: String = "."
        @Option(name: .long, help: ArgumentHelp("The playbook folder to write into.", valueName: "DIR")) var dir: String = "playbooks"

        func validate() throws {
            guard id.hasPrefix("python."), id.dropFirst(7).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }), id.count > 7 else {
                throw ValidationError("the id must look like python.my-rule (letters, digits, - and .)")
            }
        }

        func runHere() async throws {
            let root = URL(fileURLWithPath: repo).standardizedFileURL.path
            let pack = PythonPack(root: root)
            let run = await (try ProbeOptions.parse([])).reveal(try pack.logReader.read(path: log), pack: pack, root: root)
            let clusters = Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: root).clusters(of: run).filter { !$0.isSkip }
            guard let cluster = test.map({ t in clusters.first { $0.tests.contains { $0 == t || $0.hasSuffix(t) } } }) ?? clusters.first else {
                throw RemedyError.badInput("\(log): \(test.map { "no failing test '\($0)'" } ?? "no failure to start from")")
            }
            let (pattern, values) = RuleScaffold.messagePattern(cluster.message)
            func v(_ n: Int) -> String { n <= values.count ? "${value\(n)}" : "" }
            let strategy: (String, [(String, String)])
            switch (cluster.exceptionType, cluster.message) {
            case ("AttributeError", let m) where m.hasPrefix("module '"):
                strategy = ("python.rewrite-module-attribute", [("module", v(1)), ("name", v(2)), ("new", "TODO.new.place")])
            case ("AttributeError", _):
                strategy = ("python.add-wrapper-method", [("class", v(1)), ("name", v(2)), ("delegate", "${hint}")])
            case ("ImportError", let m) where m.hasPrefix("cannot import name"):
                strategy = ("python.rewrite-import", [("module", v(2)), ("name", v(1))])
            case ("ModuleNotFoundError", _), ("ImportError", _):
                strategy = ("python.rewrite-import", [("module", v(1))])
            default:
                throw RemedyError.badInput("no built-in action fits \(cluster.exceptionType) yet; copy a rule from `remedy playbooks list` and write its strategy by hand")
            }
            let folder = URL(fileURLWithPath: dir).standardizedFileURL.path + "/python"
            let ruleFile = folder + "/\(id).yml"
            guard !FileManager.default.fileExists(atPath: ruleFile) else { throw RemedyError.badInput("\(ruleFile) already exists") }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let phase = cluster.phases.first ?? .call
            try RuleScaffold.yaml(id: id, exception: cluster.exceptionType, pattern: pattern, phase: phase, action: strategy.0, parameters: strategy.1, source: (log as NSString).lastPathComponent)
                .write(toFile: ruleFile, atomically: true, encoding: .utf8)

            // The example: the log, the files the failure touches as before/, the first strategy's result as after/.
            let exampleName = String((cluster.example.split(separator: ":").last ?? "example").filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }.prefix(60))
            let example = folder + "/\(id)/\(exampleName.isEmpty ? "example" : exampleName)"
            try FileManager.default.createDirectory(atPath: example + "/before", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: log, toPath: example + "/log")
            // A small project goes in whole; a large one gives the failure's files, the class
            // the failure names, and the packages above them.
            let all = PythonFiles.list(root: root)
            var paths = Set(cluster.files.map(\.path))
            if all.count <= 40 {
                paths.formUnion(all)
            } else {
                for frame in cluster.frames where !frame.path.hasPrefix("/") { paths.insert(frame.path) }
                if let name = values.first { paths.formUnion(PythonFiles.classes(named: name, root: root).map(\.path)) }
                for path in paths {
                    var folder = (path as NSString).deletingLastPathComponent
                    while !folder.isEmpty {
                        if all.contains(folder + "/__init__.py") { paths.insert(folder + "/__init__.py") }
                        folder = (folder as NSString).deletingLastPathComponent
                    }
                }
            }
            var copied: [String] = []
            for path in paths.sorted() where FileManager.default.fileExists(atPath: root + "/" + path) {
                let target = example + "/before/" + path
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: root + "/" + path, toPath: target)
                copied.append(path)
            }
            let rule = try PlaybookLoader(actions: pack.actionRegistry).load(text: String(contentsOfFile: ruleFile, encoding: .utf8), file: ruleFile)
            let finding = RuleMatcher(rules: [rule]).findings(for: [cluster]).first
            var afterNote = "after/ not written: the rule does not match its own failure yet"
            if let finding, let action = pack.actionRegistry.action(strategy.0) {
                try FileManager.default.copyItem(atPath: example + "/before", toPath: example + "/after")
                do {
                    let fix = try await action.fix(ActionRequest(finding: finding, parameters: rule.strategies[0].resolvedParameters(finding.bindings), root: example + "/after"))
                    try FileEditor(root: URL(fileURLWithPath: example + "/after")).apply(fix)
                    afterNote = "after/ is what \(strategy.0) makes of it: check it, it is what `playbooks test` will hold the rule to"
                } catch let refusal as ActionRefusal {
                    try? FileManager.default.removeItem(atPath: example + "/after")
                    afterNote = "after/ not written: \(strategy.0) does not apply (\(refusal.reason)); add the files it needs to before/ or change the strategy"
                }
            }
            Console.output("""
                wrote \(ruleFile)
                wrote \(example)/log and before/ (\(copied.count) file\(copied.count == 1 ? "" : "s"))
                \(afterNote)
                next: edit the rule's title and description, then run: remedy playbooks test \(dir)

                """)
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Check rules: schema, regexes, templates, actions, unique ids, and regexes that can backtrack exponentially.")
        @Argument(help: ArgumentHelp("Playbook folders (default: the shipped rules).", valueName: "DIR")) var folders: [String] = []

        func run() throws {
            let pack = PythonPack()
            let rules = try PlaybookLoader(actions: pack.actionRegistry).load(folders: folders.isEmpty ? [try Embedded.playbooksFolder()] : folders)
            let warnings = rules.flatMap(\.warnings)
            for warning in warnings { Console.output("warning: \(warning)\n") }
            let flagged = Set(rules.filter { !$0.warnings.isEmpty }.map(\.id)).count
            Console.output("\(rules.count) rule\(rules.count == 1 ? "" : "s") read, \(rules.count - flagged) without warnings\n")
            if !warnings.isEmpty { throw ExitCode(1) }
        }
    }
}
