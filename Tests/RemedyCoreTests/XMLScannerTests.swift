import Testing
@testable import RemedyCore

@Suite struct XMLScannerTests {
    func events(_ xml: String) throws -> ([String], Int) {
        var out: [String] = []
        let depth = try XMLScanner(bytes: Array(xml.utf8)).scan(wantText: { true }) { event in
            switch event {
            case let .start(name, attributes, _): out.append("<\(name) \(attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))>")
            case let .end(name): out.append("</\(name)>")
            case let .text(text): out.append("'\(text)'")
            }
        }
        return (out, depth)
    }

    @Test func entitiesCDATACommentsAndSelfClosing() throws {
        let (out, depth) = try events("<?xml version=\"1.0\"?><!-- c --><a x=\"1 &lt; 2\" y='&#x41;&amp;'><b/>t&gt;<![CDATA[<raw>]]></a>")
        #expect(depth == 0)
        #expect(out == ["<a x=1 < 2,y=A&>", "<b >", "</b>", "'t>'", "'<raw>'", "</a>"])
    }

    @Test func truncatedDocumentLeavesDepthOpen() throws {
        let (_, depth) = try events("<a><b>text")
        #expect(depth == 2)
    }

    @Test func malformedTagsThrowWithOffset() {
        #expect(throws: XMLScanner.SyntaxError.self) { try events("<a><b x=1></b></a>") }
        #expect(throws: XMLScanner.SyntaxError.self) { try events("not xml") }
        #expect(throws: XMLScanner.SyntaxError.self) { try events("<a></a><b></b>") }
        #expect(throws: XMLScanner.SyntaxError.self) { try events("</a>") }
    }

    @Test func positionsAreOneBased() {
        let bytes = Array("ab\ncd".utf8)
        #expect(XMLScanner.position(of: 4, in: bytes) == (2, 2))
    }

    /// `findNear` (inline eight-byte steps, then memchr) finds what a byte-by-byte search
    /// finds: at every start, near and far, at the buffer's end, with the byte's value in
    /// neighbouring bytes (0x21 after 0x22: a borrow must not report the byte after it).
    @Test func findNearAgreesWithAPlainSearch() {
        var seed: UInt64 = 0x5EED
        func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
        for length in [0, 1, 7, 8, 9, 31, 33, 40, 100] {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ -> UInt8 in [0x22, 0x21, 0x23, 0x00, 0xA2, 0x3C, 0x61][Int(next() % 7)] }
                bytes.withUnsafeBufferPointer { p in
                    for target: UInt8 in [0x22, 0x3C, 0xFF] {
                        for from in 0...length {
                            let plain = (from..<length).first { bytes[$0] == target }
                            #expect(XMLScanner.findNear(target, in: p, from: from) == plain, "\(bytes) \(target) from \(from)")
                        }
                    }
                }
            }
        }
        // Far past the inline steps.
        let far = [UInt8](repeating: 0x61, count: 200) + [0x22]
        far.withUnsafeBufferPointer { #expect(XMLScanner.findNear(0x22, in: $0, from: 3) == 200) }
    }
}
