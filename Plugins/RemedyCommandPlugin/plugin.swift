import Foundation
import PackagePlugin

/// `swift package remedy …`: forwards its arguments to the `remedy` tool, run in the
/// package's folder.
@main
struct RemedyCommandPlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let tool = try context.tool(named: "remedy")
        let process = Process()
        process.executableURL = tool.url
        process.arguments = arguments
        process.currentDirectoryURL = context.package.directoryURL
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            Diagnostics.error("remedy exited with status \(process.terminationStatus)")
        }
    }
}
