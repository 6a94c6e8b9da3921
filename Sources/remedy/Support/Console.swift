import Foundation
import RemedyGit

/// Where the command line writes: results to standard output, progress and diagnostics
/// to standard error.
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("remedy: error: \(message)\n".utf8))
    }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("remedy: warning: \(message)\n".utf8))
    }

    static func progress(_ message: String) {
        FileHandle.standardError.write(Data("remedy: \(message)\n".utf8))
    }

    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

typealias GitFailure = GitError
