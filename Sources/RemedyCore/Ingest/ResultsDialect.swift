/// What a language pack knows about its test runner's reports: how a JUnit test case maps
/// to a test id and file, how a failure's text reads, and how to read the runner's own
/// terminal output. RemedyCore reads the XML; the dialect interprets it.
public protocol ResultsDialect: Sendable {
    /// The test id and file of a JUnit `<testcase>`.
    func testIdentity(classname: String, name: String, file: String?) -> (id: String, file: String)
    /// What every test id of a JUnit class name starts with (id = prefix + name), and the
    /// file, when ids are built that way; the streaming reader asks once per class name.
    func testPrefix(classname: String, file: String?) -> (prefix: String, file: String)?
    /// The same, for a class name still in the report's bytes (no string made for it).
    func testPrefix(classname: UnsafeBufferPointer<UInt8>, file: String?) -> (prefix: String, file: String)?
    /// How many leading bytes of a class name name its file (pytest: the module, "a.b" of
    /// "a.b.TestC"): every class name that starts with those bytes, with the same `file`
    /// attribute, is in the same file, and `testPrefix` gives that file followed by "::"
    /// and `classPrefix`. The streaming reader then asks `filePath` once per file rather
    /// than `testPrefix` once per class. Nil when the bytes alone cannot say.
    func fileKeyLength(classname: UnsafeBufferPointer<UInt8>, file: String?) -> Int?
    /// The file of a class name split where `fileKeyLength` said (`testPrefix`'s file,
    /// without working out the split again or making the prefix).
    func filePath(classname: UnsafeBufferPointer<UInt8>, fileKeyLength: Int, file: String?) -> String?
    /// What the test ids' prefix holds after "file::" for a class name split where
    /// `fileKeyLength` said (pytest: "TestA::TestB::", or nothing for module-level tests).
    func classPrefix(classname: UnsafeBufferPointer<UInt8>, fileKeyLength: Int) -> String
    /// The failure a JUnit `<failure>` or `<error>` describes.
    func failure(message: String?, type: String?, text: String, outcome: Outcome) -> Failure
    /// The skip a JUnit `<skipped>` describes.
    func skip(message: String?, type: String?, text: String) -> Failure
    /// Whether `text` looks like this runner's terminal output.
    func recognizesTerminalOutput(_ text: String) -> Bool
    /// Why the runner stopped before running any test, when its output says so (a usage
    /// or configuration error): said instead of "unknown log format".
    func runnerStopped(_ text: String) -> String?
    /// Reads this runner's terminal output.
    func parseTerminalOutput(_ text: String, source: String) throws -> TestRun
    /// A copy whose caches are its own, for reading part of a report on another core
    /// without the two sharing (and contending for) one lock.
    func independentCopy() -> any ResultsDialect
}

extension ResultsDialect {
    public func testPrefix(classname: String, file: String?) -> (prefix: String, file: String)? { nil }
    public func testPrefix(classname: UnsafeBufferPointer<UInt8>, file: String?) -> (prefix: String, file: String)? {
        testPrefix(classname: String(decoding: classname, as: UTF8.self), file: file)
    }
    public func fileKeyLength(classname: UnsafeBufferPointer<UInt8>, file: String?) -> Int? { nil }
    public func classPrefix(classname: UnsafeBufferPointer<UInt8>, fileKeyLength: Int) -> String { "" }
    public func filePath(classname: UnsafeBufferPointer<UInt8>, fileKeyLength: Int, file: String?) -> String? {
        testPrefix(classname: classname, file: file)?.file
    }
    public func runnerStopped(_ text: String) -> String? { nil }
    public func independentCopy() -> any ResultsDialect { self }
}
