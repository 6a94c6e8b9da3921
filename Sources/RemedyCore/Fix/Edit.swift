/// How far a fix may be trusted, ordered as in ruff: `displayOnly < unsafe < safe`.
/// Safe fixes may be committed by the bot; unsafe ones only with `--unsafe`, flagged for
/// review; display-only ones are only ever shown or written as patch files.
public enum Applicability: String, Codable, Sendable, Comparable, CaseIterable {
    case displayOnly = "display-only"
    case unsafe
    case safe

    private var rank: Int {
        switch self {
        case .displayOnly: 0
        case .unsafe: 1
        case .safe: 2
        }
    }

    public static func < (lhs: Applicability, rhs: Applicability) -> Bool { lhs.rank < rhs.rank }
}

/// One change to one file: replace a byte range (an empty range inserts, empty text
/// deletes), create a file, or delete one. Paths are relative to the repository root.
public struct Edit: Codable, Sendable, Hashable {
    public enum Kind: Codable, Sendable, Hashable {
        case replace(Range<Int>)
        case create
        case delete
    }

    public var path: String
    public var kind: Kind
    public var text: String

    public init(path: String, kind: Kind, text: String) {
        self.path = path
        self.kind = kind
        self.text = text
    }

    public static func insert(_ text: String, at offset: Int, in path: String) -> Edit {
        Edit(path: path, kind: .replace(offset..<offset), text: text)
    }
}

/// The edits one action proposes for one finding, with a title saying what they do.
public struct Fix: Codable, Sendable, Hashable {
    public var title: String
    public var edits: [Edit]
    public var applicability: Applicability
    /// Why the fix is what it is (the delegate chosen and why, for instance).
    public var notes: [String]

    public init(title: String, edits: [Edit], applicability: Applicability, notes: [String] = []) {
        self.title = title
        self.edits = edits.sorted { a, b in
            if a.path != b.path { return a.path < b.path }
            if case let .replace(x) = a.kind, case let .replace(y) = b.kind { return x.lowerBound < y.lowerBound }
            return false
        }
        self.applicability = applicability
        self.notes = notes
    }

    public var touchedPaths: [String] {
        var paths: [String] = []
        for edit in edits where !paths.contains(edit.path) { paths.append(edit.path) }
        return paths
    }
}
