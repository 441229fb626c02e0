/// Delta debugging for findings: drops frames, then simplifies each frame's fields and payload,
/// keeping every step that still reproduces the same finding (same `Finding.key`).
public struct Minimizer: Sendable {
    /// Runs a candidate and returns what the oracles find (crash included).
    public typealias Check = @Sendable (FrameSequence) async -> Finding?

    public var budget: Int
    let check: Check

    public init(budget: Int = 150, check: @escaping Check) {
        self.budget = budget
        self.check = check
    }

    /// The smallest sequence found that keeps `key`, and how many executions it took.
    public func minimize(_ input: FrameSequence, key: String) async -> (FrameSequence, Int) {
        var best = input
        var spent = 0
        func reproduces(_ candidate: FrameSequence) async -> Bool {
            guard spent < budget, !candidate.frames.isEmpty, candidate != best else { return false }
            spent += 1
            return await check(candidate)?.key == key
        }

        // 1. Frames: remove chunks, halving the chunk size (ddmin's complement step).
        var chunk = max(1, best.frames.count / 2)
        while chunk >= 1 && spent < budget {
            var start = 0
            var removedAny = false
            while start < best.frames.count && spent < budget {
                var candidate = best
                candidate.frames.removeSubrange(start..<min(start + chunk, candidate.frames.count))
                if await reproduces(candidate) {
                    best = candidate
                    removedAny = true
                } else {
                    start += chunk
                }
            }
            if !removedAny { chunk /= 2 }
        }

        // 2. The handshake, then each frame's header fields, chop, delay and payload.
        if best.handshake != .standard {
            var candidate = best
            candidate.handshake = .standard
            if await reproduces(candidate) { best = candidate }
        }
        for i in best.frames.indices {
            for simplify in Self.frameSimplifications {
                guard i < best.frames.count, spent < budget else { break }
                var candidate = best
                guard let simpler = simplify(candidate.frames[i]) else { continue }
                candidate.frames[i] = simpler
                if await reproduces(candidate) { best = candidate }
            }
            // 3. Payload bytes: shrink from the end, then drop single octets of short payloads.
            var size = i < best.frames.count ? best.frames[i].payload.count : 0
            while size > 0 && spent < budget {
                var candidate = best
                let bytes = candidate.frames[i].payload.bytes
                candidate.frames[i].payload = .bytes(Array(bytes.prefix(size / 2)))
                candidate.frames[i].declaredLength = nil
                if await reproduces(candidate) { best = candidate }
                size /= 2
            }
            if i < best.frames.count, best.frames[i].payload.count <= 16 {
                var k = 0
                while k < best.frames[i].payload.count && spent < budget {
                    var candidate = best
                    var bytes = candidate.frames[i].payload.bytes
                    bytes.remove(at: k)
                    candidate.frames[i].payload = .bytes(bytes)
                    if await reproduces(candidate) { best = candidate } else { k += 1 }
                }
            }
        }
        return (best, spent)
    }

    static let frameSimplifications: [@Sendable (FuzzFrame) -> FuzzFrame?] = [
        { $0.chop == nil ? nil : with($0) { $0.chop = nil } },
        { $0.delayMs == 0 ? nil : with($0) { $0.delayMs = 0 } },
        { $0.declaredLength == nil ? nil : with($0) { $0.declaredLength = nil } },
        { $0.lengthEncoding == .minimal ? nil : with($0) { $0.lengthEncoding = .minimal } },
        { $0.rsv == 0 ? nil : with($0) { $0.rsv = 0 } },
        { $0.fin ? nil : with($0) { $0.fin = true } },
        { $0.mask == 0x3712_5C9A || $0.mask == nil ? nil : with($0) { $0.mask = 0x3712_5C9A } },
        { $0.payload.count == 0 ? nil : with($0) { $0.payload = .bytes([]) } },
        {
            if case .bytes = $0.payload { return nil }
            return with($0) { $0.payload = .bytes($0.payload.bytes) }
        },
    ]

    static func with(_ frame: FuzzFrame, _ change: (inout FuzzFrame) -> Void) -> FuzzFrame {
        var copy = frame
        change(&copy)
        return copy
    }
}
