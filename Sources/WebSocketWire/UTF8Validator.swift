import NIOCore

/// An incremental, fail-fast UTF-8 validator (RFC 3629, Unicode Table 3-7).
///
/// Text messages arrive in chunks and a conformance tester must fail a message at the first
/// octet that can never be part of valid UTF-8 — not at the end of the code point, frame or
/// message. The validator is a deterministic automaton over byte classes, so `ED A0` fails at
/// `A0`, `F4 90` at `90`, `E0 80` at `80` and `C0` at `C0`, whatever the chunk boundaries.
public struct UTF8Validator: Sendable {
    private var state: UInt8 = UTF8DFA.accept
    /// Octets accepted so far (up to, not including, a rejected octet).
    public private(set) var octetsValidated = 0

    public init() {}

    /// Whether the octets so far end on a complete code point (also `false` after a rejection).
    public var isAtCodePointBoundary: Bool { state == UTF8DFA.accept }

    /// Whether a rejected octet has been seen; further input is not examined.
    public var hasFailed: Bool { state == UTF8DFA.reject }

    /// Forgets all previous input, ready for a new message.
    public mutating func reset() {
        state = UTF8DFA.accept
        octetsValidated = 0
    }

    /// Validates the readable bytes of `buffer` as the continuation of earlier input.
    ///
    /// - Returns: The index within this chunk of the first octet that makes the input invalid,
    ///   or `nil` if the input so far is still a prefix of valid UTF-8. Once failed, every
    ///   further non-empty chunk reports index 0.
    public mutating func validate(_ buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { validate($0) }
    }

    /// Validates `bytes` as the continuation of earlier input; see `validate(_:)` for buffers.
    public mutating func validate(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else { return nil }
        if state == UTF8DFA.reject { return 0 }
        let (newState, bad) = UTF8DFA.run(state, base, count)
        state = newState
        octetsValidated += bad ?? count
        return bad
    }

    /// Whether `bytes` is complete, valid UTF-8.
    public static func isValid<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        firstInvalidOffset(bytes) == nil
    }

    /// The offset of the first octet that makes `bytes` invalid, `bytes.count` when it is valid
    /// but ends inside a code point, or `nil` when it is complete, valid UTF-8.
    public static func firstInvalidOffset<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ buffer -> Int? in
            var validator = UTF8Validator()
            if let bad = validator.validate(UnsafeRawBufferPointer(buffer)) { return bad }
            return validator.isAtCodePointBoundary ? nil : buffer.count
        }) {
            return result
        }
        var s = UTF8DFA.accept
        var index = 0
        for byte in bytes {
            s = UTF8DFA.step(s, byte)
            if s == UTF8DFA.reject { return index }
            index += 1
        }
        return s == UTF8DFA.accept ? nil : index
    }
}

/// The transition tables behind `UTF8Validator`.
///
/// States: 0 accept; 1/2/3 expect that many more 80–BF continuation octets; 4 after E0 (next
/// must be A0–BF, excluding overlongs); 5 after ED (next 80–9F, excluding surrogates); 6 after
/// F0 (next 90–BF, excluding overlongs); 7 after F4 (next 80–8F, capping at U+10FFFF); 8 reject.
enum UTF8DFA {
    static let accept: UInt8 = 0
    static let reject: UInt8 = 8
    static let classCount = 12

    /// Byte classes: 0 ASCII, 1 80–8F, 2 90–9F, 3 A0–BF, 4 never valid (C0 C1 F5–FF), 5 C2–DF,
    /// 6 E0, 7 E1–EC EE–EF, 8 ED, 9 F0, 10 F1–F3, 11 F4.
    static let byteClass: [UInt8] = (0...255).map { (b: Int) -> UInt8 in
        switch b {
        case 0x00...0x7F: return 0
        case 0x80...0x8F: return 1
        case 0x90...0x9F: return 2
        case 0xA0...0xBF: return 3
        case 0xC2...0xDF: return 5
        case 0xE0: return 6
        case 0xED: return 8
        case 0xE1...0xEF: return 7
        case 0xF0: return 9
        case 0xF1...0xF3: return 10
        case 0xF4: return 11
        default: return 4
        }
    }

    static let transitions: [UInt8] = {
        let r = reject
        //             ASCII 80-8F 90-9F A0-BF bad  C2-DF E0  E1-EF ED  F0  F1-F3 F4
        let table: [[UInt8]] = [
            /* 0 */ [0, r, r, r, r, 1, 4, 2, 5, 6, 3, 7],
            /* 1 */ [r, 0, 0, 0, r, r, r, r, r, r, r, r],
            /* 2 */ [r, 1, 1, 1, r, r, r, r, r, r, r, r],
            /* 3 */ [r, 2, 2, 2, r, r, r, r, r, r, r, r],
            /* 4 */ [r, r, r, 1, r, r, r, r, r, r, r, r],
            /* 5 */ [r, 1, 1, r, r, r, r, r, r, r, r, r],
            /* 6 */ [r, r, 2, 2, r, r, r, r, r, r, r, r],
            /* 7 */ [r, 2, r, r, r, r, r, r, r, r, r, r],
            /* 8 */ [r, r, r, r, r, r, r, r, r, r, r, r],
        ]
        return table.flatMap { $0 }
    }()

    @inline(__always)
    static func step(_ state: UInt8, _ byte: UInt8) -> UInt8 {
        transitions[Int(state) &* classCount &+ Int(byteClass[Int(byte)])]
    }

    /// Feeds `count` bytes from `base` starting in `state`; returns the final state and the
    /// index of the rejected octet, if any.
    static func run(_ state: UInt8, _ base: UnsafeRawPointer, _ count: Int) -> (UInt8, Int?) {
        byteClass.withUnsafeBufferPointer { classes in
            transitions.withUnsafeBufferPointer { table in
                var s = state
                var i = 0
                while i < count {
                    if s == accept {
                        // ASCII dominates real text; skip it a word at a time.
                        while i &+ 8 <= count
                            && base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                        {
                            i &+= 8
                        }
                        if i == count { break }
                    }
                    let byte = base.load(fromByteOffset: i, as: UInt8.self)
                    s = table[Int(s) &* classCount &+ Int(classes[Int(byte)])]
                    if s == reject { return (s, i) }
                    i &+= 1
                }
                return (s, nil)
            }
        }
    }
}
