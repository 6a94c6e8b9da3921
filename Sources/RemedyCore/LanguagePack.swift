/// A language pack: everything Remedy knows about one language and its test runner,
/// as conformances to the protocols RemedyCore declares. Python is the first; the core
/// changes for none.
public protocol LanguagePack: Sendable {
    /// The `language` playbooks name (e.g. `python`).
    var language: String { get }
    var dialect: any ResultsDialect { get }
    var templates: any MessageTemplates { get }
    var scanner: any CallSiteScanner { get }
    var actions: [any Action] { get }
    /// The probe that reveals what skips hide, run with the project's interpreter.
    func probe(interpreter: String) -> (any SkipProbe)?
    /// The check that every file a fix touched still parses.
    func validator(interpreter: String) -> (any SourceValidator)?
}

extension LanguagePack {
    public var signatureMaker: SignatureMaker { SignatureMaker(templates: templates) }
    public var logReader: LogReader { LogReader(dialect: dialect) }
    public var actionRegistry: ActionRegistry { ActionRegistry(actions) }
}
