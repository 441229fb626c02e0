import Foundation
import GauntletTestSupport
import NIOCore
import NIOPosix

// faulty-echo --port N: `FaultyEchoServer` with the die-on-empty-middle-fragment fault, as a
// real process: it prints its last words on stderr and aborts, as a crashing server would.
var port = 0
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--port", let value = arguments.popFirst().flatMap(Int.init) { port = value }
}
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let server = try await FaultyEchoServer.start(
    faults: .dieOnEmptyMiddleFragment, port: port,
    onDeath: { why in
        FileHandle.standardError.write(Data((why + "\n").utf8))
        abort()
    }, group: group)
FileHandle.standardOutput.write(Data("faulty-echo listening on \(server.url)\n".utf8))
while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
