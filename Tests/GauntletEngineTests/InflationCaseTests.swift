import GauntletCases
import GauntletJudge
import GauntletTestSupport
import NIOCore
import NIOPosix
import Testing
import WebSocketWire

@testable import GauntletEngine

/// 16.4.1, the decompression bomb: its data inflates to what the case says, every verdict of
/// its table is the Judge's, and an echo is judged end to end by length and CRC-32.
@Suite("decompression bomb (16.4.1)", .serialized)
struct InflationCaseTests {
    static let bomb = FamilyTests.catalog["16.4.1"]!

    /// The bomb frame's compressed payload pattern (one unit of 1 MiB, repeated).
    static func unit() throws -> (FrameAction, [UInt8]) {
        guard case .frame(let frame) = bomb.actions.first(where: { if case .frame = $0 { true } else { false } }),
            case .repeated(let unit, _) = frame.payload.storage
        else { throw CaseShapeError() }
        return (frame, unit)
    }

    struct CaseShapeError: Error {}

    /// 16.4.1 with `units` MiB instead of 1024: the same data, small enough to echo in a test.
    static func smallBomb(units: Int) throws -> CaseDefinition {
        var definition = bomb
        var (frame, unit) = try unit()
        // Without the last unit's 00 00 ff ff, which the receiver restores, as in the case.
        frame.payload = Payload(repeating: unit, length: unit.count * units - 4)
        let index = definition.actions.firstIndex { if case .frame = $0 { true } else { false } }!
        definition.actions[index] = .frame(frame)
        definition.inflation?.inflatesTo = Payload(repeating: [0], length: units << 20)
        return definition
    }

    @Test("CRC-32 of a repeated pattern without materializing it equals the direct one")
    func repeatedChecksum() {
        for (pattern, length) in [([UInt8(0)], 1 << 20), ([1, 2, 3], 1000), ([0xAB, 0xCD], 7), ([9], 0)] {
            var direct = CRC32()
            direct.update(Array((0..<length).map { pattern[$0 % pattern.count] }))
            #expect(CRC32.ofRepeated(pattern, length: length) == direct.value, "\(pattern) × \(length)")
        }
    }

    @Test("the case's 1 MiB on the wire inflates to exactly what its inflation block says (1 GiB)")
    func payloadInflatesAsStated() throws {
        let (frame, _) = try Self.unit()
        let spec = try #require(Self.bomb.inflation)
        #expect(frame.rsv == 4)
        #expect(frame.payload.count < 1_100_000)
        let inflater = try MessageDecompressor(windowBits: 15, noContextTakeover: false, maxMessageSize: nil)
        var crc = CRC32()
        var length = 0
        try inflater.inflate(ByteBuffer(bytes: frame.payload.bytes)) { piece in
            length += piece.count
            crc.update(piece)
        }
        try inflater.finishMessage { piece in
            length += piece.count
            crc.update(piece)
        }
        #expect(length == spec.size)
        #expect(spec.size == 1 << 30)
        #expect(crc.value == Judge.expectedChecksum(spec))
    }

    /// A record of 16.4.1 on a connection that agreed to permessage-deflate.
    static func record(_ change: (inout SessionRecord) -> Void) -> SessionRecord {
        var record = SessionRecord(role: .client)
        record.wasOpen = true
        record.compression.agreement = DeflateAgreement()
        record.healthCheck = .echoed
        change(&record)
        return record
    }

    @Test("refused with 1009: OK; another code or a drop: NON-STRICT; silence: NON-STRICT (a SHOULD)")
    func refusals() {
        let by1009 = Judge.judge(Self.bomb, Self.record { $0.remoteCloseCode = 1009 })
        #expect(by1009.behavior == .ok)
        let by1002 = Judge.judge(Self.bomb, Self.record { $0.remoteCloseCode = 1002 })
        #expect(by1002.behavior == .nonStrict)
        let dropped = Judge.judge(Self.bomb, Self.record { _ in })
        #expect(dropped.behavior == .nonStrict)
        let silent = Judge.judge(
            Self.bomb,
            Self.record {
                $0.closedByMe = true
                $0.failedByMe = true
                $0.localCloseCode = 1001
            })
        #expect(silent.behavior == .nonStrict)
    }

    @Test("an intact 1 GiB echo is INFORMATIONAL; a wrong one FAILED; a server gone afterwards FAILED")
    func echoesAndHealth() {
        let spec = Self.bomb.inflation!
        let intact = InflationEcho(binary: true, length: spec.size, checksum: Judge.expectedChecksum(spec))
        let echoed = Judge.judge(
            Self.bomb,
            Self.record {
                $0.inflationEcho = intact
                $0.closedByMe = true
                $0.localCloseCode = 1000
            })
        #expect(echoed.behavior == .informational)
        var wrong = intact
        wrong.checksum ^= 1
        let corrupted = Judge.judge(
            Self.bomb,
            Self.record {
                $0.inflationEcho = wrong
                $0.closedByMe = true
            })
        #expect(corrupted.behavior == .failed)
        let gone = Judge.judge(
            Self.bomb,
            Self.record {
                $0.remoteCloseCode = 1009
                $0.healthCheck = .couldNotOpen(connectionError: nil)
            })
        #expect(gone.behavior == .failed)
        let without = Judge.judge(Self.bomb, Self.record { $0.compression.agreement = nil })
        #expect(without.behavior == .unimplemented)
    }

    @Test("end to end: a 4 MiB bomb echoed by a server whose limit is larger is INFORMATIONAL, a corrupt echo FAILED")
    func smallBombEchoed() async throws {
        let definition = try Self.smallBomb(units: 4)
        for (behaviour, expected) in [
            (DeflateEchoServer.Behaviour.strict, Behavior.informational), (.corruptEcho, .failed),
        ] {
            let server = try await DeflateEchoServer.start(behaviour, group: MultiThreadedEventLoopGroup.singleton)
            let result = try await FamilyTests.runAgainstServer(definition, port: server.port)
            await server.stop()
            #expect(result.behavior == expected, "\(behaviour): \(FamilyTests.describe(result))")
        }
    }
}
