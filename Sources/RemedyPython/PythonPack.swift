import RemedyCore

/// The Python language pack: pytest's reports, Python's message templates, the token-based
/// call-site scan, and the Python actions.
public struct PythonPack: LanguagePack {
    public let language = "python"
    public var dialect: any ResultsDialect
    public let templates: any MessageTemplates = PythonMessageTemplates.make()
    public let scanner: any CallSiteScanner = PythonCallSites()
    public let actions: [any Action] = PythonPack.builtInActions

    /// Every built-in Python action.
    public static let builtInActions: [any Action] = [AddWrapperMethod(), RenameCallSites(), RewriteImport(), StubModule(), RewriteModuleAttribute(), RenameImportedName(), PytestNoseMethods(), EscapeInvalidSequences()]

    /// `root` is the repository, used to rebuild node ids from JUnit class names.
    public init(root: String? = nil) {
        dialect = PytestDialect(root: root)
    }

    public func probe(interpreter: String) -> (any SkipProbe)? { GuardedImportProbe(python: interpreter) }

    public func validator(interpreter: String) -> (any SourceValidator)? { PythonCompileCheck(python: interpreter) }
}
