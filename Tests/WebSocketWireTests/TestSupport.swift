import NIOCore
import Testing

@testable import WebSocketWire

/// Parses whitespace-separated or contiguous hex into bytes.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    precondition(digits.count % 2 == 0, "odd hex digit count")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

func buffer(hex: String) -> ByteBuffer { ByteBuffer(bytes: hexBytes(hex)) }

func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

/// Splits `stream` into consecutive chunks of `size` octets (the last one may be shorter); with
/// `through`, only the first `through` octets are chunked and the rest is one chunk.
func chunks(_ stream: [UInt8], size: Int, through: Int? = nil) -> [ByteBuffer] {
    let end = min(through ?? stream.count, stream.count)
    var pieces = stride(from: 0, to: end, by: size).map { ByteBuffer(bytes: stream[$0..<min($0 + size, end)]) }
    if end < stream.count { pieces.append(ByteBuffer(bytes: stream[end...])) }
    return pieces
}

/// Every chunk size from 1 octet up to the whole stream.
func chunkSizes(_ stream: [UInt8]) -> ClosedRange<Int> { 1...max(stream.count, 1) }

/// What a reader produced for one chunking of a stream.
struct Outcome<Event> {
    var events: [Event] = []
    var violation: ProtocolViolation?
}

/// Feeds `stream` to a fresh `FrameDecoder` in chunks of `size` (see `chunks`), draining after
/// every append.
func decodeFrames(
    _ stream: [UInt8], configuration: FrameDecoder.Configuration, chunkSize size: Int, through: Int? = nil
) -> Outcome<FrameDecoder.Event> {
    var decoder = FrameDecoder(configuration: configuration)
    var outcome = Outcome<FrameDecoder.Event>()
    for chunk in chunks(stream, size: size, through: through) {
        decoder.append(chunk)
        do {
            while let event = try decoder.next() { outcome.events.append(event) }
        } catch {
            outcome.violation = error
            return outcome
        }
    }
    return outcome
}

/// Feeds `stream` to a fresh `MessageReader` in chunks of `size`, draining after every append.
func readMessages(_ stream: [UInt8], configuration: MessageReader.Configuration, chunkSize size: Int)
    -> Outcome<MessageReader.Event>
{
    var reader = MessageReader(configuration: configuration)
    var outcome = Outcome<MessageReader.Event>()
    for chunk in chunks(stream, size: size) {
        reader.append(chunk)
        do {
            while let event = try reader.next() { outcome.events.append(event) }
        } catch {
            outcome.violation = error
            return outcome
        }
    }
    return outcome
}

/// Merges a frame decoder's payload chunks so events can be compared across chunkings.
func coalesced(_ events: [FrameDecoder.Event]) -> [FrameDecoder.Event] {
    var result: [FrameDecoder.Event] = []
    for event in events {
        if case .payload(let next) = event, case .payload(var previous)? = result.last {
            previous.writeImmutableBuffer(next)
            result[result.count - 1] = .payload(previous)
        } else {
            result.append(event)
        }
    }
    return result
}

/// Encodes frames back to back into one stream.
func encoded(_ frames: Frame...) -> [UInt8] {
    var out = ByteBuffer()
    for frame in frames { FrameEncoder.encode(frame, into: &out) }
    return bytes(out)
}

let exampleKey = MaskingKey(0x37, 0xFA, 0x21, 0x3D)

func textFrame(_ text: String, fin: Bool = true, opcode: Opcode = .text, key: MaskingKey? = exampleKey) -> Frame {
    Frame(opcode: opcode, fin: fin, maskKey: key, payload: ByteBuffer(string: text))
}
