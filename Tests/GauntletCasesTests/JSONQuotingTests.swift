import GauntletCases
import Testing

/// The one JSON string quoter the case loader and the report writers share.
@Suite("JSON string quoting")
struct JSONQuotingTests {
    @Test func escapesQuotesBackslashesAndEveryControlCharacter() {
        #expect(JSONValue.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(JSONValue.quoted("\n\r\t") == #""\n\r\t""#)
        #expect(JSONValue.quoted("\u{0}\u{1f}") == #""\u0000\u001f""#)
        #expect(JSONValue.quoted("κόσμε") == "\"κόσμε\"")
    }
}
