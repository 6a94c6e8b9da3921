import Foundation
import RemedyGit

/// Where the command line writes: results to standard output, progress and diagnostics
/// to standard error.
enum Console {
    static func error(_ message: String) {
        LiveLine.shared.finish()
        FileHandle.standardError.write(Data("remedy: error: \(message)\n".utf8))
    }

    static func warning(_ message: String) {
        LiveLine.shared.finish()
        FileHandle.standardError.write(Data("remedy: warning: \(message)\n".utf8))
    }

    /// A step of the work: a live line on a terminal, a plain line otherwise.
    static func progress(_ message: String) {
        if LiveLine.shared.enabled {
            LiveLine.shared.begin(message)
        } else {
            FileHandle.standardError.write(Data("remedy: \(message)\n".utf8))
        }
    }

    static func output(_ text: String) {
        LiveLine.shared.finish()
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

typealias GitFailure = GitError
