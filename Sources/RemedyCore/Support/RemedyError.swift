/// An error Remedy reports to its user: one line that says what is wrong and what to do,
/// and the exit code the command line contract gives it.
public struct RemedyError: Error, CustomStringConvertible, Sendable {
    /// The exit code family (ARCHITECTURE.md: 2 bad input or usage, 3 internal or git failure).
    public enum Kind: Int32, Sendable {
        case badInput = 2
        case internalFailure = 3
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func badInput(_ message: String) -> RemedyError { RemedyError(.badInput, message) }
    public static func failure(_ message: String) -> RemedyError { RemedyError(.internalFailure, message) }

    public var description: String { message }
}
