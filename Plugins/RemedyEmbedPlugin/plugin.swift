import Foundation
import PackagePlugin

/// Embeds `playbooks/` and the demo project (`demo/`) into the target it is applied to,
/// as a generated `EmbeddedFiles` enum, so the built binary carries its rules and sample
/// wherever it is copied (no `Bundle.module`, which traps when the bundle is missing).
@main
struct RemedyEmbedPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let packageRoot = context.package.directoryURL
        let folders = [("playbooks", "playbooks"), ("demo", "demo")]
        var inputs: [URL] = []
        for (_, folder) in folders {
            let root = packageRoot.appending(path: folder)
            if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) {
                for case let url as URL in walker where !url.hasDirectoryPath {
                    if url.path.contains("__pycache__") { continue }
                    inputs.append(url)
                }
            }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        let arguments = [output.path] + folders.map { "\($0.0)=\(packageRoot.appending(path: $0.1).path)" }
        return [
            .buildCommand(
                displayName: "Embedding playbooks and demo into \(target.name)",
                executable: try context.tool(named: "RemedyEmbedTool").url,
                arguments: arguments,
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
