import Foundation
import PackagePlugin

/// Embeds `playbooks/` and the demo project (`demo/`) into the target it is applied to,
/// as a generated `EmbeddedFiles` enum, so the built binary carries its rules and sample
/// wherever it is copied (no `Bundle.module`, which traps when the bundle is missing).
@main
struct RemedyEmbedPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let packageRoot = context.package.directoryURL
        let folders = ["playbooks", "demo"]
        var inputs: [URL] = []
        for folder in folders {
            let root = packageRoot.appending(path: folder)
            // Folders are inputs too: SwiftPM keeps its build plan until a target folder or
            // the manifest changes, but adding or removing a file changes its folder, which
            // reruns the command (and the tool reads the folders afresh).
            inputs.append(root)
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            var files: [URL] = []
            for case let url as URL in walker where !url.path.contains("__pycache__") {
                if url.hasDirectoryPath { inputs.append(url) } else { files.append(url) }
            }
            inputs += files.sorted { $0.path < $1.path }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        let arguments = [output.path] + folders.map { "\($0)=\(packageRoot.appending(path: $0).path)" }
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
