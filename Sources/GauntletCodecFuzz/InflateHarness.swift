import NIOCore
import WebSocketWire

extension CodecHarness {
    /// The limits the inflate target cycles through: none, tiny, and sizes near a frame's.
    static let inflateLimits: [Int?] = [nil, 0, 1, 100, 4096, 65_536]

    /// `MessageDecompressor` on arbitrary compressed messages.
    ///
    /// Input: octet 0 picks window bits (8 + low 3 bits), no context takeover (bit 3) and the
    /// limit (bits 4–7); octet 1 picks a chunk size (1–64); the rest is messages, each a length
    /// octet followed by that many compressed octets (the last takes what remains).
    ///
    /// Properties: no message ever yields more than the limit; feeding a message in chunks yields
    /// the same octets and the same error as feeding it whole; what inflated, recompressed by
    /// `MessageCompressor` with the same parameters, inflates back to the same octets.
    public static func inflate(_ data: [UInt8]) -> [String] {
        guard data.count >= 2 else { return [] }
        let bits = 8 + Int(data[0] & 7)
        let noContextTakeover = data[0] & 8 != 0
        let limit = inflateLimits[Int(data[0] >> 4) % inflateLimits.count]
        let chunk = 1 + Int(data[1] % 64)
        var messages: [[UInt8]] = []
        var rest = data.dropFirst(2)
        while let length = rest.first {
            rest = rest.dropFirst()
            messages.append(Array(rest.prefix(Int(length))))
            rest = rest.dropFirst(Int(length))
        }
        var problems: [String] = []
        let whole = inflateRun(messages, bits: bits, noContextTakeover: noContextTakeover, limit: limit, chunk: nil)
        let chopped = inflateRun(messages, bits: bits, noContextTakeover: noContextTakeover, limit: limit, chunk: chunk)
        if whole != chopped {
            problems.append("chunking by \(chunk) changed the result: \(whole) vs \(chopped)")
        }
        for (index, outcome) in whole.enumerated() {
            if let limit, outcome.output.count > limit {
                problems.append("message \(index) yielded \(outcome.output.count) octets past the limit \(limit)")
            }
        }
        // Recompress what inflated (up to the first failure) and inflate it again.
        let inflated = whole.prefix { $0.error == nil }.map(\.output)
        do {
            let compressor = try MessageCompressor(windowBits: bits, noContextTakeover: noContextTakeover)
            let recompressed = try inflated.map { try compressor.compress(ByteBuffer(bytes: $0)) }
            let again = inflateRun(
                recompressed.map { Array($0.readableBytesView) }, bits: bits, noContextTakeover: noContextTakeover,
                limit: nil, chunk: nil)
            if again.map(\.output) != inflated || again.contains(where: { $0.error != nil }) {
                problems.append("recompressing \(inflated.count) messages did not round-trip: \(again)")
            }
        } catch {
            problems.append("compressor failed: \(error)")
        }
        return problems
    }

    struct InflateOutcome: Equatable, CustomStringConvertible {
        var output: [UInt8]
        var error: DeflateError?
        var description: String { "\(output.count) octets" + (error.map { ", \($0)" } ?? "") }
    }

    /// Inflates `messages` in order on one decompressor, each whole or in `chunk`-octet frames,
    /// stopping after the first error.
    static func inflateRun(
        _ messages: [[UInt8]], bits: Int, noContextTakeover: Bool, limit: Int?, chunk: Int?
    ) -> [InflateOutcome] {
        guard
            let decompressor = try? MessageDecompressor(
                windowBits: bits, noContextTakeover: noContextTakeover, maxMessageSize: limit)
        else { return [InflateOutcome(output: [], error: .zlibFailure("init"))] }
        var outcomes: [InflateOutcome] = []
        for message in messages {
            var output: [UInt8] = []
            let sink: (UnsafeRawBufferPointer) -> Void = { output += $0 }
            do {
                let size = max(chunk ?? message.count, 1)
                for start in stride(from: 0, to: message.count, by: size) {
                    try decompressor.inflate(
                        ByteBuffer(bytes: message[start..<min(start + size, message.count)]), into: sink)
                }
                try decompressor.finishMessage(into: sink)
                outcomes.append(InflateOutcome(output: output, error: nil))
            } catch {
                outcomes.append(InflateOutcome(output: output, error: error))
                break
            }
        }
        return outcomes
    }
}
