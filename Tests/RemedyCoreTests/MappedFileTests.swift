import Foundation
import Testing
@testable import RemedyCore

/// A mapped report's pages given back (mid-read, or all of them once read) leave what it
/// reads unchanged: the pages come back from the file.
@Suite struct MappedFileTests {
    @Test func releasedPagesReadTheSame() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mapped-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = (0..<(5 * 4096 + 123)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let file = try #require(MappedFile(path: path))
        #expect(file.count == bytes.count)
        #expect(file.withBytes { Array($0) } == bytes)
        file.release(100..<(3 * 4096 + 5))
        #expect(file.withBytes { Array($0) } == bytes)
        file.releaseInBackground()
        for _ in 0..<5 {
            #expect(file.withBytes { Array($0) } == bytes)
            usleep(2000)
        }
        #expect(MappedFile(path: path + ".missing") == nil)
    }
}
