import NIOCore
import WebSocketWire

/// Measures the wire codec's hot paths — masking, UTF-8 validation, decoding many small
/// frames, permessage-deflate compression and decompression — and returns one printable line
/// per measurement.
///
/// Each measurement repeats its operation until `seconds` of wall-clock time have passed, so the
/// numbers are rates rather than single-shot timings.
func runCodecBenchmark(seconds: Double = 0.5) -> [String] {
    var lines: [String] = []
    let sizes = [("1 KiB", 1 << 10), ("64 KiB", 1 << 16), ("16 MiB", 1 << 24)]
    let key = MaskingKey(0x37, 0xFA, 0x21, 0x3D)

    for (label, size) in sizes {
        var payload = ByteBuffer(repeating: 0x61, count: size)
        var phase = 0
        let rate = measureThroughput(bytesPerIteration: size, seconds: seconds) {
            phase = Masking.apply(key, to: &payload, phase: phase)
        }
        lines.append(line("mask", label, rate))
    }

    let mixedUnit = Array("Gauntlet κόσμε — 😀 Hello, world! ".utf8)
    for (kind, unit) in [("ASCII", Array("The quick brown fox jumps over the lazy dog. ".utf8)), ("mixed", mixedUnit)] {
        for (label, size) in sizes {
            let text = ByteBuffer(bytes: repeatedWholeUnits(unit, toAtMost: size))
            var invalid = 0
            let rate = measureThroughput(bytesPerIteration: text.readableBytes, seconds: seconds) {
                var validator = UTF8Validator()
                if validator.validate(text) != nil || !validator.isAtCodePointBoundary { invalid += 1 }
            }
            precondition(invalid == 0, "benchmark text must be valid UTF-8")
            lines.append(line("utf8 \(kind)", label, rate))
        }
    }

    lines.append(decodeBenchmark(frameCount: 100_000, payloadSize: 16, key: key, seconds: seconds))
    lines += deflateBenchmark(seconds: seconds)
    return lines
}

/// permessage-deflate throughput per window size (9...15; a negotiated 8 compresses with 9), in
/// MB/s of uncompressed octets.
///
/// Deflate runs at zlib level 1, the level Gauntlet's tester compresses its 12.x/13.x messages
/// with, and at zlib's default level (6), which Autobahn's tester and most servers use; inflate
/// reads the default level's output. Every message is compressed without context takeover, so
/// each iteration does the same work (with takeover a repeated message would shrink to a
/// back-reference). The payload is text-like: English words with repetition.
private func deflateBenchmark(seconds: Double) -> [String] {
    var lines: [String] = []
    for (label, size) in [("1 KiB", 1 << 10), ("64 KiB", 1 << 16), ("1 MiB", 1 << 20)] {
        let message = ByteBuffer(bytes: benchmarkText(count: size))
        for bits in 9...15 {
            do {
                var compressed = ByteBuffer()
                var parts: [String] = []
                for level in [1, -1] {
                    let compressor = try MessageCompressor(windowBits: bits, noContextTakeover: true, level: level)
                    let rate = try measureThrowingThroughput(bytesPerIteration: size, seconds: seconds) {
                        compressed.clear()
                        try compressor.compress(message, into: &compressed)
                    }
                    let ratio = Double(size) / Double(compressed.readableBytes)
                    parts.append(
                        "\(level == 1 ? "level 1" : "default level") \(format(rate)) MB/s "
                            + "(ratio \(format(ratio)):1)")
                }
                let decompressor = try MessageDecompressor(
                    windowBits: bits, noContextTakeover: true, maxMessageSize: size)
                var inflated = 0
                let inflateRate = try measureThrowingThroughput(bytesPerIteration: size, seconds: seconds) {
                    try decompressor.inflate(compressed) { inflated += $0.count }
                    try decompressor.finishMessage { inflated += $0.count }
                }
                precondition(inflated % size == 0, "every inflated message must have its original size")
                parts.append("inflate \(format(inflateRate)) MB/s")
                lines.append("deflate window \(bits) \(label): " + parts.joined(separator: ", "))
            } catch {
                lines.append("deflate window \(bits) \(label): failed with \(error)")
            }
        }
    }
    return lines
}

/// Text-like octets: words from a small vocabulary, picked by a fixed pseudo-random sequence.
private func benchmarkText(count: Int) -> [UInt8] {
    let words = Array(
        "the quick brown fox jumps over lazy dog message frame window context server client".split(separator: " "))
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var text: [UInt8] = []
    text.reserveCapacity(count + 16)
    while text.count < count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        text += Array(words[Int(state >> 33) % words.count].utf8)
        text.append(state & 0xF0 == 0 ? 0x2E : 0x20)
    }
    return Array(text.prefix(count))
}

private func measureThrowingThroughput(
    bytesPerIteration: Int, seconds: Double, _ body: () throws -> Void
) throws -> Double {
    var failure: Error?
    let rate = measureThroughput(bytesPerIteration: bytesPerIteration, seconds: seconds) {
        guard failure == nil else { return }
        do { try body() } catch { failure = error }
    }
    if let failure { throw failure }
    return rate
}

/// Whole copies of `unit` filling at most `limit` octets, so multi-octet code points stay intact.
private func repeatedWholeUnits(_ unit: [UInt8], toAtMost limit: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(limit)
    while bytes.count + unit.count <= limit { bytes += unit }
    return bytes
}

/// Decodes a stream of masked text frames through `MessageReader` as a server reading a client.
private func decodeBenchmark(frameCount: Int, payloadSize: Int, key: MaskingKey, seconds: Double) -> String {
    var wire = ByteBuffer()
    let payload = ByteBuffer(repeating: 0x62, count: payloadSize)
    for _ in 0..<frameCount {
        FrameEncoder.encode(Frame(opcode: .text, maskKey: key, payload: payload), into: &wire)
    }
    let clock = ContinuousClock()
    var elapsed = Duration.zero
    var passes = 0
    var messages = 0
    while elapsed < .seconds(seconds) || passes == 0 {
        var reader = MessageReader(configuration: .init(peerRole: .client))
        let start = clock.now
        reader.append(wire)
        do {
            while let event = try reader.next() {
                if case .message = event { messages += 1 }
            }
        } catch {
            return "decode: failed with \(error)"
        }
        elapsed += clock.now - start
        passes += 1
    }
    precondition(messages == frameCount * passes, "every frame must decode to a message")
    let secondsTaken = elapsed.seconds
    let framesPerSecond = Double(frameCount * passes) / secondsTaken
    let megabytes = Double(wire.readableBytes * passes) / 1_000_000 / secondsTaken
    return
        "decode \(frameCount / 1000)k masked \(payloadSize)-byte text frames: "
        + "\(format(framesPerSecond / 1_000_000)) M frames/s, \(format(megabytes)) MB/s wire"
}

/// Runs `body` repeatedly for about `seconds` and returns MB/s (10^6 octets per second).
private func measureThroughput(bytesPerIteration: Int, seconds: Double, _ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    body()  // Warm-up: first-touch page faults should not count.
    var iterations = 0
    let start = clock.now
    var elapsed = Duration.zero
    while elapsed < .seconds(seconds) {
        body()
        iterations += 1
        elapsed = clock.now - start
    }
    return Double(bytesPerIteration * iterations) / 1_000_000 / elapsed.seconds
}

private func line(_ what: String, _ size: String, _ megabytesPerSecond: Double) -> String {
    "\(what) \(size): \(format(megabytesPerSecond)) MB/s"
}

private func format(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    return String(rounded)
}

extension Duration {
    fileprivate var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
