import ArgumentParser
import Foundation
import RemedyCore

/// The `remedy` command: reads failing test runs, groups failures by root cause, and
/// repairs them with verified fixes. Thin: the libraries do the work.
@main
struct Remedy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remedy",
        abstract: "Repair failing test suites with verified fixes.",
        discussion: """
        Exit codes: 0 done (triage: report written; fix: every finding fixed, or nothing to fix),
        1 findings left unresolved, 2 bad input or usage, 3 internal or git failure.
        """,
        version: "0.1.0",
        subcommands: [TriageCommand.self, PlanCommand.self, FixCommand.self, DemoCommand.self, ExplainCommand.self, PlaybooksCommand.self, SymbolsCommand.self, RunsCommand.self]
    )

    static func main() async {
        // A child that exits without reading its input (a plugin) must not kill Remedy.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var inPlace = command as? any InPlaceCommand {
                try await inPlace.runHere()
            } else if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Interruption.waitIfInterrupted()
        } catch let error as RemedyError {
            Interruption.waitIfInterrupted()
            Console.error(error.message)
            Foundation.exit(error.kind.rawValue)
        } catch let error as GitFailure {
            Interruption.waitIfInterrupted()
            Console.error(error.description)
            Foundation.exit(3)
        } catch {
            Interruption.waitIfInterrupted()
            let code = exitCode(for: error)
            if code == .success {
                Console.output(fullMessage(for: error) + "\n")
                Foundation.exit(0)
            }
            if error is ExitCode { Foundation.exit(code.rawValue) }
            let message = fullMessage(for: error)
            if code == .validationFailure || code.rawValue == 64 {
                StandardStream.error.write(message + "\n")
                Foundation.exit(2)
            }
            Console.error(message.isEmpty ? "\(error)" : message)
            Foundation.exit(3)
        }
    }
}
