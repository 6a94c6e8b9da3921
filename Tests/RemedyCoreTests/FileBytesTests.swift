import Foundation
import Testing
@testable import RemedyCore

@Suite struct FileBytesTests {
    @Test func readsFilesWhole() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("remedy-filebytes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("abc".utf8).write(to: URL(fileURLWithPath: folder + "/a"))
        try Data().write(to: URL(fileURLWithPath: folder + "/empty"))
        #expect(FileBytes.read(folder + "/a", limit: 10) == Array("abc".utf8))
        #expect(FileBytes.read(folder + "/a", limit: 2) == nil)
        #expect(FileBytes.read(folder + "/empty", limit: 10) == [])
        #expect(FileBytes.read(folder + "/missing", limit: 10) == nil)
        #expect(FileBytes.read(folder, limit: 10) == nil)
    }

    /// /proc's files say they are empty: they are read to their end, within the limit.
    @Test func readsFilesThatGiveNoSize() throws {
        let status = try #require(FileBytes.read("/proc/self/status", limit: 1 << 20))
        #expect(String(decoding: status, as: UTF8.self).contains("Cpus_allowed_list:"))
        #expect(FileBytes.read("/proc/self/status", limit: 16) == nil)
    }
}
