/// What a language pack checks before a fix is accepted: every file the fix touched
/// still parses (for Python: compiled by the project's interpreter, no bytecode written).
/// A fix that breaks a file is dropped, never kept.
public protocol SourceValidator: Sendable {
    /// The problems per path (relative to `root`); empty when every file is sound.
    func problems(in paths: [String], root: String) async -> [String: String]
}
