import RemedyCore

/// The shipped playbooks' rules, made from their compiled form (`CompiledPlaybooks`, see
/// `CompiledRule`) when it was compiled from the very playbooks this binary embeds;
/// otherwise none, and the loader reads their YAML (slower, same rules, and any error).
enum ShippedRules {
    /// The rules of the shipped folder (extracted at `folder`) by folder, or nothing.
    static func loaded(folder: String, actions: ActionRegistry, compiled: [CompiledRule] = CompiledPlaybooks.rules,
                       digest: String = CompiledPlaybooks.digest) -> [String: [Rule]] {
        guard digest == EmbeddedFiles.playbooksDigest,
              let rules = try? compiled.map({ try Rule(compiled: $0, folder: folder, actions: actions) }) else { return [:] }
        return [folder: rules]
    }
}
