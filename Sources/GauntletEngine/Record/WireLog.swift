import GauntletCases
import NIOCore
import WebSocketWire

/// The wire log and traffic statistics of one session, in Autobahn's record shapes:
/// `TO`/`RO` raw octets, `TF`/`RF` frames, `KL`/`TI`/`CT`/`CTE` timers, `WLM` log switches.
struct WireLog {
    private(set) var records: [[JSONValue]] = []
    private(set) var txFrameStats: [String: Int] = [:]
    private(set) var rxFrameStats: [String: Int] = [:]
    private(set) var txOctetStats: [String: Int] = [:]
    private(set) var rxOctetStats: [String: Int] = [:]
    /// Frames the tester sent, by opcode, counted whether or not the log is enabled.
    private(set) var txFrameCounts: [UInt8: Int] = [:]
    var enabled = true

    mutating func switchLog(enabled: Bool, record: Bool) {
        // Autobahn writes the switch record while the log is still in its old state, but always.
        if record { records.append(["WLM", .bool(enabled)]) }
        self.enabled = enabled
    }

    mutating func txOctets(_ bytes: ByteBuffer, sync: Bool) {
        txOctetStats[String(bytes.readableBytes), default: 0] += 1
        guard enabled else { return }
        records.append(["TO", [.int(Int64(bytes.readableBytes)), .string(render(bytes))], .bool(sync)])
    }

    mutating func rxOctets(_ bytes: ByteBuffer) {
        rxOctetStats[String(bytes.readableBytes), default: 0] += 1
        guard enabled else { return }
        records.append(["RO", [.int(Int64(bytes.readableBytes)), .string(render(bytes))]])
    }

    mutating func txFrame(_ header: FrameHeader, payloadPrefix: [UInt8], payloadCount: Int, chop: Int?, sync: Bool) {
        txFrameStats[String(header.opcode.rawValue), default: 0] += 1
        txFrameCounts[header.opcode.rawValue, default: 0] += 1
        guard enabled else { return }
        let mask: JSONValue = header.maskKey.map { .string($0.description) } ?? .null
        records.append([
            "TF",
            [
                .int(Int64(payloadCount)),
                .string(
                    AutobahnRendering.payload(payloadPrefix)
                        + (payloadCount > AutobahnRendering.maxLoggedOctets ? " ..." : "")),
            ],
            .int(Int64(header.opcode.rawValue)), .bool(header.fin), .int(Int64(header.rsv)), mask, .null,
            chop.map { .int(Int64($0)) } ?? .null, .bool(sync),
        ])
    }

    mutating func rxFrame(_ frame: Frame) {
        rxFrameStats[String(frame.header.opcode.rawValue), default: 0] += 1
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
