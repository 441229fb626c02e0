import Foundation
import Testing

/// The README's Swift API example is this target's `ReadmeExampleTests.swift`, word for word, so
/// the README cannot show code that no longer compiles or passes.
@Test func readmeShowsTheExampleVerbatim() throws {
    let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    let source = try String(contentsOf: here.appendingPathComponent("ReadmeExampleTests.swift"), encoding: .utf8)
    let readme = try String(
        contentsOf: here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md"),
        encoding: .utf8)
    let begin = try #require(source.range(of: "// README: begin\n"))
    let end = try #require(source.range(of: "// README: end\n"))
    let example = String(source[begin.upperBound..<end.lowerBound])
    #expect(example.contains("Gauntlet.testEmbeddedEcho"))
    #expect(readme.contains("```swift\n" + example + "```\n"), "README.md must show ReadmeExampleTests.swift verbatim")
}
