/// A cause's test ids in one buffer: their UTF-8 one after another, and where each ends.
/// A failing test of a large run costs a copy of its id's bytes rather than a String of
/// its own (an allocation, a check of its bytes, a retain wherever the list is copied).
/// Reads as a collection of Strings, and encodes as a list of them.
public struct TestIDs: RandomAccessCollection, Sendable, Equatable, Codable, ExpressibleByArrayLiteral, CustomStringConvertible {
    private var bytes: [UInt8] = []
    /// Where each id ends in `bytes` (the next starts there).
    private var ends: [Int] = []

    public init() {}

    public init<S: Sequence>(_ ids: S) where S.Element == String {
        for id in ids { append(id) }
    }

    public init(arrayLiteral ids: String...) { self.init(ids) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { ends.count }

    public subscript(position: Int) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range(position)]), as: UTF8.self) }
    }

    public var description: String { Array(self).description }

    public mutating func append(_ id: String) {
        bytes.append(contentsOf: id.utf8)
        ends.append(bytes.count)
    }

    /// Another list's ids after these.
    public mutating func append(contentsOf other: TestIDs) {
        let offset = bytes.count
        bytes.append(contentsOf: other.bytes)
        ends.append(contentsOf: other.ends.map { $0 + offset })
    }

    /// Adds bytes to an id being written; `endID` ends it.
    mutating func write(_ part: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: part) }

    mutating func write(_ byte: UInt8) { bytes.append(byte) }

    /// Ends the id being written.
    mutating func endID() { ends.append(bytes.count) }

    /// The bytes of the id at `position`.
    private func range(_ position: Int) -> Range<Int> { (position == 0 ? 0 : ends[position - 1])..<ends[position] }

    /// The hash of the id at `position` (`JUnitStream.hash` of its UTF-8).
    func hash(_ position: Int) -> UInt64 {
        let range = range(position)
        return bytes.withUnsafeBufferPointer { JUnitStream.hash($0, range.lowerBound, range.upperBound, seed: 0xcbf29ce484222325) }
    }

    /// Whether the ids at two positions are the same.
    func same(_ a: Int, _ b: Int) -> Bool { bytes[range(a)].elementsEqual(bytes[range(b)]) }

    /// The ids at `positions`, in that order.
    func selecting<S: Sequence>(_ positions: S) -> TestIDs where S.Element == Int {
        var selected = TestIDs()
        for position in positions {
            selected.bytes.append(contentsOf: bytes[range(position)])
            selected.ends.append(selected.bytes.count)
        }
        return selected
    }

    public init(from decoder: any Decoder) throws {
        self.init(try [String](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for id in self { try container.encode(id) }
    }
}
