import ArgumentParser
import Foundation
import RemedyCore
import RemedyGit

/// `remedy runs --repo DIR`: the run journal — each run's findings, verdicts and branches.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List Remedy's past runs on a repository: attempts, verdicts, branches.")

    @Option(name: .long, help: ArgumentHelp("The repository.", valueName: "DIR"))
    var repo: String = "."

    @Option(name: .long, help: "text or json.")
    var format: ReportFormat = .text

    func run() throws {
        let repository = try Repository(path: URL(fileURLWithPath: repo).standardizedFileURL.path)
        let entries = RunJournal(stateDirectory: repository.stateDirectory).entries()
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            Console.output(String(decoding: try encoder.encode(entries), as: UTF8.self) + "\n")
            return
        }
        if entries.isEmpty { Console.output("No runs yet.\n") }
        let formatter = ISO8601DateFormatter()
        for entry in entries {
            let findings = entry.summary?.findings ?? []
            let fixed = findings.filter(\.fixed).count
            let seconds = entry.summary.map { String(format: ", %.1f s", $0.totalSeconds) } ?? ""
            Console.output("\(entry.run)  \(formatter.string(from: entry.started))  \(entry.effectiveStatus)  HEAD \(entry.head.prefix(8))  \(entry.mode)  \(fixed) of \(findings.count) fixed\(seconds)\n")
            for finding in findings {
                let attempts = finding.attempts.map { "\($0.strategy): \($0.verdict.label)\($0.diffHash.map { " [\($0)]" } ?? "")" }.joined(separator: ", ")
                let place = finding.branch.map { " → \($0)" } ?? finding.patchFile.map { " → \(($0 as NSString).lastPathComponent)" } ?? ""
                Console.output("  \(finding.number). \(finding.rule) \(finding.signature.hash8): \(attempts)\(place)\n")
            }
        }
    }
}
