import Foundation
import GauntletTestSupport
import NIOCore
import NIOPosix

// faulty-echo --port N [--faults NAME,…]: `FaultyEchoServer` as a real process. With the
// default fault (die-on-empty-middle-fragment) it prints its last words on stderr and aborts, as
// a crashing server would. The other names run the server with those faults, e.g. the behaviours
// the RFC permits, for a `gauntlet fuzz --exec` campaign of a set duration (issue 12 done-when b).
let names: [String: FaultyEchoServer.Faults] = [
    "dieOnEmptyMiddleFragment": .dieOnEmptyMiddleFragment, "hangOnPingFF": .hangOnPingFF,
    "skipUTF8Validation": .skipUTF8Validation, "failWithEmptyClose": .failWithEmptyClose,
    "failByClosingTCP": .failByClosingTCP, "validateUTF8Lazily": .validateUTF8Lazily,
    "refuseBinaryWith1003": .refuseBinaryWith1003, "failWith1011": .failWith1011,
    "violateThenCloseTCP": .violateThenCloseTCP, "wrongPongPayload": .wrongPongPayload,
]
var port = 0
var faults: FaultyEchoServer.Faults = .dieOnEmptyMiddleFragment
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--port", let value = arguments.popFirst().flatMap(Int.init) { port = value }
    if argument == "--faults", let value = arguments.popFirst() {
        faults = []
        for name in value.split(separator: ",") {
            guard let fault = names[String(name)] else {
                FileHandle.standardError.write(Data("faulty-echo: unknown fault \(name)\n".utf8))
                exit(64)
            }
            faults.insert(fault)
        }
    }
}
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let server = try await FaultyEchoServer.start(
    faults: faults, port: port,
    onDeath: { why in
        FileHandle.standardError.write(Data((why + "\n").utf8))
        abort()
    }, group: group)
FileHandle.standardOutput.write(Data("faulty-echo listening on \(server.url)\n".utf8))
while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
