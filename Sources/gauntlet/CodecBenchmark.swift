import NIOCore
import WebSocketWire

/// Measures the wire codec's hot paths — masking, UTF-8 validation and decoding many small
/// frames — and returns one printable line per measurement.
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
    return lines
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
