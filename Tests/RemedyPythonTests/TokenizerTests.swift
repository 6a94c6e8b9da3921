import Foundation
import Testing
import RemedyTestSupport
@testable import RemedyPython

@Suite struct TokenizerTests {
    func roundTrip(_ bytes: [UInt8]) -> [UInt8] {
        PythonTokenizer.tokenize(bytes).flatMap { bytes[$0.start..<$0.end] }
    }

    @Test(arguments: [
        "x = 1\n",
        "def f(a, *, b=2):\n    return a  # comment\n",
        "s = r'\\d+' + b\"x\" + f'{a!r}' + '''multi\nline''' + \"\"\"q\"\"\"\n",
        "if x:\r\n\tpass\r\n",
        "\u{FEFF}# -*- coding: utf-8 -*-\nx = \\\n    2\n",
        "call(\n    a,\n    b,\n)\n",
        "unterminated = 'oops\nnext = 1\n",
        "no_final_newline = 3",
        "x = 1e-5 + 0x1F + 1_000 + .5j\n",
        "\u{00E9}t\u{00E9} = 'caf\u{00E9}'\n",
        "async def f():\n    await g()\n",
        "",
    ])
    func losslessOnHandWrittenCases(text: String) {
        let bytes = Array(text.utf8)
        #expect(roundTrip(bytes) == bytes)
    }

    @Test func losslessOnTheDemoProject() {
        for (path, text) in Fixtures.demoProject() where path.hasSuffix(".py") {
            let bytes = Array(text.utf8)
            #expect(roundTrip(bytes) == bytes, "\(path)")
        }
    }

    /// Every file of the interpreter's standard library reads back byte for byte.
    @Test func losslessOnTheStandardLibrary() async throws {
        let result = try await Command.run("python3", ["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], in: "/")
        let stdlib = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let files = PythonFiles.list(root: stdlib).prefix(400)
        #expect(files.count > 100)
        for file in files {
            guard let data = FileManager.default.contents(atPath: stdlib + "/" + file) else { continue }
            let bytes = [UInt8](data)
            #expect(roundTrip(bytes) == bytes, "\(file)")
        }
    }

    @Test func kindsAndIndentation() {
        let source = PythonSource(text: "class A:\n    def f(self):\n        return 'x'  # c\n\nx = 1\n")
        let kinds = source.tokens.filter { $0.kind != .whitespace }.map(\.kind)
        #expect(kinds == [.name, .name, .op, .newline, .indent, .name, .name, .op, .name, .op, .op, .newline, .indent,
                          .name, .string, .comment, .newline, .nl, .dedent, .dedent, .name, .op, .number, .newline, .endMarker])
    }

    @Test func bracketsSuppressLogicalNewlines() {
        let source = PythonSource(text: "x = (1,\n     2)\n")
        #expect(source.tokens.filter { $0.kind == .newline }.count == 1)
        #expect(source.tokens.filter { $0.kind == .nl }.count == 1)
    }
}

@Suite struct DefinitionTests {
    let text = """
        import asyncio

        class Helper(Base):
            \"\"\"Doc.\"\"\"

            def __init__(self, env: str = "test"):
                self.env = env

            @staticmethod
            def build(name, /, flag=False, *args, key: int = 1, **extra) -> dict:
                return {}

            async def create(
                self,
                email: str,
                user_id: Optional[str] = None,
            ) -> Dict[str, Any]:
                await asyncio.sleep(0)
                return {"email": email}

            class Inner:
                def go(self): pass

        def top():
            pass
        """

    @Test func classesMethodsAndSignatures() throws {
        let source = PythonSource(text: text)
        #expect(source.definitions.map(\.name) == ["Helper", "top"])
        let helper = try #require(source.definitions.first)
        #expect(helper.methods.map(\.name) == ["__init__", "build", "create"])
        #expect(helper.children.map(\.name) == ["__init__", "build", "create", "Inner"])
        let build = helper.methods[1]
        #expect(build.isStaticMethod)
        #expect(build.parameters.map(\.name) == ["name", "flag", "args", "key", "extra"])
        #expect(build.parameters.map(\.kind) == [.positionalOnly, .regular, .variadic, .keywordOnly, .variadicKeyword])
        #expect(build.returns == "dict")
        let create = helper.methods[2]
        #expect(create.isAsync)
        #expect(create.indent == "    ")
        #expect(create.parameters.map(\.text) == ["self", "email: str", "user_id: Optional[str] = None"])
        #expect(create.returns == "Dict[str, Any]")
        #expect(source.text(create.start..<create.end).hasSuffix("return {\"email\": email}\n"))
        #expect(source.text(create.start..<create.end).hasPrefix("    async def create("))
        #expect(source.allClasses.map(\.name) == ["Helper", "Inner"])
        #expect(helper.children[3].methods.first?.name == "go")
    }

    @Test func decoratedDefinitionStartsAtItsDecorator() throws {
        let source = PythonSource(text: text)
        let build = source.definitions[0].methods[1]
        #expect(source.text(build.start..<build.end).hasPrefix("    @staticmethod\n    def build"))
        #expect(build.line == 10)
    }
}
