import Foundation
import RemedyCore
import RemedyGit

/// Where the command line writes: results to standard output, progress and diagnostics
/// to standard error.
enum Console {
    static func error(_ message: String) {
        LiveLine.shared.finish()
        StandardStream.error.write("remedy: error: \(message)\n")
    }

    static func warning(_ message: String) {
        LiveLine.shared.finish()
        StandardStream.error.write("remedy: warning: \(message)\n")
    }

    /// A step of the work: a live line on a terminal, a plain line otherwise.
    static func progress(_ message: String) {
        if LiveLine.shared.enabled {
            LiveLine.shared.begin(message)
        } else {
            StandardStream.error.write("remedy: \(message)\n")
        }
    }

    static func output(_ text: String) {
        LiveLine.shared.finish()
        StandardStream.output.write(text)
    }
}

typealias GitFailure = GitError
