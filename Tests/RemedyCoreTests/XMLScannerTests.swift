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
}
