import Foundation
import RemedyCore
import RemedyPython

/// The shipped playbooks, read on another core as soon as remedy starts, while the main
/// thread reads the command line: they depend on no option, and a triage would otherwise
/// read them on a core that streams the report.
enum ShippedRules {
    private final class Loading: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var result: (folder: String, rules: [Rule])?
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var loading: Loading?

    /// Starts reading them, for a command that will load rules. Not when plugins are traced:
    /// that flag sets an environment variable while the rules would be reading one.
    static func startLoading(for arguments: [String]) {
        guard let command = arguments.first, ["triage", "plan", "fix", "explain", "demo"].contains(command),
              !arguments.contains("--trace-plugins") else { return }
        let started = Loading()
        lock.withLock { loading = started }
        // On a worker of the global queue rather than a thread of its own: starting a Thread
        // took longer, and a triage's second reader then finds the worker already made.
        DispatchQueue.global().async {
            if let folder = try? Embedded.playbooksFolder(),
               let rules = try? PlaybookLoader(actions: PythonPack().actionRegistry).load(folders: [folder]) {
                started.result = (folder, rules)
            }
            started.done.signal()
        }
    }

    /// The shipped rules by folder when they were read ahead (waiting for them if need be),
    /// else nothing: the caller reads them, and reports any error, as usual.
    static func loaded(folder: String) -> [String: [Rule]] {
        guard let started = lock.withLock({ loading }) else { return [:] }
        started.done.wait()
        started.done.signal()
        guard let result = started.result, result.folder == folder else { return [:] }
        return [folder: result.rules]
    }
}
