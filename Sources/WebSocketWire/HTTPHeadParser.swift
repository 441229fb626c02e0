import NIOCore

/// Splits an HTTP/1.1 head (start line + header fields) off the front of a buffer.
///
/// Shared by request and response parsing: both consume exactly the head, up to and including
/// the empty line, and leave whatever follows (early WebSocket frames) in the buffer.
enum HTTPHeadParser {
    /// Lines longer than this are cut in error messages so a huge bad line cannot bloat a report.
    static let quotedLineLimit = 200

    /// Returns the start line, headers and the head's length in octets, or `nil` when the head is
    /// not complete yet. Nothing is consumed: the caller does that once the start line checks out,
    /// so a rejected head leaves the buffer as it was.
    static func parse(
        _ buffer: ByteBuffer,
        limits: HTTPLimits,
        malformedStartLine: (String) -> HandshakeError
    ) throws(HandshakeError) -> (startLine: String, headers: HTTPHeaders, length: Int)? {
        let readable = buffer.readableBytes
        let searchLength = min(readable, limits.maxHeaderBytes)
        let bytes = buffer.getBytes(at: buffer.readerIndex, length: searchLength) ?? []
        guard let end = endOfHead(bytes) else {
            if readable >= limits.maxHeaderBytes {
                throw .headerBlockTooLarge(limit: limits.maxHeaderBytes)
            }
            return nil
        }
        let lines = splitLines(bytes[..<end])
        guard let startBytes = lines.first else { throw malformedStartLine("") }
        if startBytes.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
            throw malformedStartLine(quote(startBytes))
        }
        if lines.count - 1 > limits.maxHeaderCount {
            throw .tooManyHeaders(limit: limits.maxHeaderCount)
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            headers.add(try field(line))
        }
        return (HTTPGrammar.latin1(startBytes), headers, end + 4)
    }

    /// Index of the CRLFCRLF that ends the head, if present.
    private static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4)
        where bytes[i] == 0x0D && bytes[i + 1] == 0x0A && bytes[i + 2] == 0x0D && bytes[i + 3] == 0x0A {
            return i
        }
        return nil
    }

    private static func splitLines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == 0x0D, i + 1 < bytes.endIndex, bytes[i + 1] == 0x0A {
                lines.append(bytes[start..<i])
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        lines.append(bytes[start..<bytes.endIndex])
        return lines
    }

    /// Parses `name: value`. Obsolete line folding, bare CR/LF, control characters and a
    /// non-token name (including whitespace before the colon) are all rejected (RFC 7230 §3.2.4).
    private static func field(_ line: ArraySlice<UInt8>) throws(HandshakeError) -> HTTPHeaders.Field {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw .malformedHeaderLine(quote(line))
        }
        let nameBytes = line[line.startIndex..<colon]
        guard !nameBytes.isEmpty, nameBytes.allSatisfy(HTTPGrammar.isTokenChar) else {
            throw .malformedHeaderLine(quote(line))
        }
        var valueBytes = line[(colon + 1)...]
        while let first = valueBytes.first, first == 0x20 || first == 0x09 { valueBytes.removeFirst() }
        while let last = valueBytes.last, last == 0x20 || last == 0x09 { valueBytes.removeLast() }
        if valueBytes.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
            throw .malformedHeaderLine(quote(line))
        }
        // obs-text is allowed in values; keep it readable when it happens to be UTF-8.
        if let value = String(validating: valueBytes, as: UTF8.self) {
            return HTTPHeaders.Field(name: HTTPGrammar.latin1(nameBytes), value: value)
        }
        return HTTPHeaders.Field(
            name: HTTPGrammar.latin1(nameBytes), value: HTTPGrammar.latin1(valueBytes), rawValue: Array(valueBytes))
    }

    static func quote<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        HTTPGrammar.latin1(bytes.prefix(quotedLineLimit))
    }

    /// Writes a head: start line, fields, empty line, all CRLF-terminated.
    static func encode(startLine: String, headers: HTTPHeaders) -> ByteBuffer {
        var buffer = ByteBuffer()
        // The start line is read as Latin-1 (one character per octet); write it back the same
        // way so a reason phrase with obs-text round-trips. Other text goes out as UTF-8.
        if startLine.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) {
            buffer.writeBytes(startLine.unicodeScalars.map { UInt8($0.value) })
        } else {
            buffer.writeString(startLine)
        }
        buffer.writeStaticString("\r\n")
        for field in headers.fields {
            buffer.writeString(field.name)
            buffer.writeStaticString(": ")
            // obs-text goes back out as the octets that came in, unless the value was changed.
            if let raw = field.rawValue, HTTPGrammar.latin1(raw) == field.value {
                buffer.writeBytes(raw)
            } else {
                buffer.writeString(field.value)
            }
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        return buffer
    }
}
