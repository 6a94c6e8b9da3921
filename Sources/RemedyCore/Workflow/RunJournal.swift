import Foundation

/// The run journal under `.git/remedy/runs/`: one JSON file per `remedy fix`, written when
/// the run starts (status `running`, with its process id) and again when it ends, with
/// every attempt — strategy, diff hash, verdict, durations — and where each fix went.
/// A run whose process is gone while it says `running` was interrupted.
public struct RunJournal: Sendable {
    /// One journal entry.
    public struct Entry: Codable, Sendable {
        public var run: String
        public var started: Date
        public var finished: Date?
        public var status: String
        public var processID: Int32
        public var head: String
        public var mode: String
        public var summary: FixSummary?

        /// `running` entries whose process no longer exists read as `interrupted`.
        public var effectiveStatus: String {
            guard status == "running" else { return status }
            return kill(processID, 0) == 0 || errno == EPERM ? "running" : "interrupted"
        }
    }

    public let folder: String

    public init(stateDirectory: String) { folder = stateDirectory + "/runs" }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    public func write(_ entry: Entry) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Self.encoder.encode(entry).write(to: URL(fileURLWithPath: folder + "/" + entry.run + ".json"), options: .atomic)
    }

    /// Every entry, newest first; unreadable files are skipped.
    public func entries() -> [Entry] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".json") }.compactMap { name in
            FileManager.default.contents(atPath: folder + "/" + name).flatMap { try? decoder.decode(Entry.self, from: $0) }
        }.sorted { $0.started > $1.started }
    }
}
