import GauntletCases
import NIOCore
import WebSocketWire

/// The wire log and traffic statistics of one session, in Autobahn's record shapes:
/// `TO`/`RO` raw octets, `TF`/`RF` frames, `KL`/`TI`/`CT`/`CTE` timers, `WLM` log switches.
struct WireLog {
    private(set) var records: [[JSONValue]] = []
    // Counted under integer keys (a string key per frame costs an allocation and a string
    // hash); the report's string-keyed forms are made once at the end.
    private var txFrames: [UInt8: Int] = [:]
    private var rxFrames: [UInt8: Int] = [:]
    private var txWrites: [Int: Int] = [:]
    private var rxReads: [Int: Int] = [:]
    var txFrameStats: [String: Int] { Self.stringKeyed(txFrames) }
    var rxFrameStats: [String: Int] { Self.stringKeyed(rxFrames) }
    var txOctetStats: [String: Int] { Self.stringKeyed(txWrites) }
    var rxOctetStats: [String: Int] { Self.stringKeyed(rxReads) }
    /// Frames the tester sent, by opcode, counted whether or not the log is enabled.
    var txFrameCounts: [UInt8: Int] { txFrames }
    var enabled = true

    mutating func switchLog(enabled: Bool, record: Bool) {
        // Autobahn writes the switch record while the log is still in its old state, but always.
        if record { records.append(["WLM", .bool(enabled)]) }
        self.enabled = enabled
    }

    mutating func txOctets(_ bytes: ByteBuffer, sync: Bool) {
        txWrites[bytes.readableBytes, default: 0] += 1
        guard enabled else { return }
        records.append(["TO", [.int(Int64(bytes.readableBytes)), .string(render(bytes))], .bool(sync)])
    }

    /// One write made of several buffers, recorded as one write of their total length.
    mutating func txOctets(_ parts: [ByteBuffer], sync: Bool) {
        let count = parts.reduce(0) { $0 + $1.readableBytes }
        txWrites[count, default: 0] += 1
        guard enabled else { return }
        var head: [UInt8] = []
        for part in parts where head.count <= AutobahnRendering.maxLoggedOctets {
            head += part.readableBytesView.prefix(AutobahnRendering.maxLoggedOctets + 1 - head.count)
        }
        records.append(["TO", [.int(Int64(count)), .string(AutobahnRendering.octets(head))], .bool(sync)])
    }

    mutating func rxOctets(_ bytes: ByteBuffer) {
        rxReads[bytes.readableBytes, default: 0] += 1
        guard enabled else { return }
        records.append(["RO", [.int(Int64(bytes.readableBytes)), .string(render(bytes))]])
    }

    mutating func txFrame(
        _ header: FrameHeader, payloadPrefix: @autoclosure () -> [UInt8], payloadCount: Int, chop: Int?, sync: Bool
    ) {
        txFrames[header.opcode.rawValue, default: 0] += 1
        guard enabled else { return }
        let mask: JSONValue = header.maskKey.map { .string($0.description) } ?? .null
        records.append([
            "TF",
            [
                .int(Int64(payloadCount)),
                .string(
                    AutobahnRendering.payload(payloadPrefix())
                        + (payloadCount > AutobahnRendering.maxLoggedOctets ? " ..." : "")),
            ],
            .int(Int64(header.opcode.rawValue)), .bool(header.fin), .int(Int64(header.rsv)), mask, .null,
            chop.map { .int(Int64($0)) } ?? .null, .bool(sync),
        ])
    }

    mutating func rxFrame(_ frame: Frame) {
        rxFrames[frame.header.opcode.rawValue, default: 0] += 1
        guard enabled else { return }
        let mask: JSONValue = frame.header.maskKey.map { .string($0.description) } ?? .null
        records.append([
            "RF", [.int(Int64(frame.payload.readableBytes)), .string(renderPayload(frame.payload))],
            .int(Int64(frame.header.opcode.rawValue)), .bool(frame.header.fin), .int(Int64(frame.header.rsv)),
            .bool(frame.header.isMasked), mask,
        ])
    }

    /// Timer and continuation records are written even while the log is off, as Autobahn does.
    mutating func timer(_ kind: String, _ seconds: Double) {
        records.append([.string(kind), number(seconds)])
    }

    mutating func continuation(delay: Double, tag: String?) {
        records.append(["CT", number(delay), tag.map { .string($0) } ?? .null])
    }

    mutating func continuationExecuted(tag: String?) {
        records.append(["CTE", tag.map { .string($0) } ?? .null])
    }

    private static func stringKeyed<Key: BinaryInteger>(_ counts: [Key: Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: counts.map { (String($0.key), $0.value) })
    }

    private func number(_ value: Double) -> JSONValue {
        value == value.rounded() && abs(value) < 1e15 ? .int(Int64(value)) : .double(value)
    }

    private func render(_ bytes: ByteBuffer) -> String {
        bytes.withUnsafeReadableBytes { AutobahnRendering.octets($0.prefix(AutobahnRendering.maxLoggedOctets + 1)) }
    }

    private func renderPayload(_ bytes: ByteBuffer) -> String {
        let count = bytes.readableBytes
        return bytes.withUnsafeReadableBytes { raw in
            let head = Array(raw.prefix(AutobahnRendering.maxLoggedOctets))
            let text = AutobahnRendering.payload(head)
            return count > AutobahnRendering.maxLoggedOctets ? text + " ..." : text
        }
    }
}
