// swift-tools-version: 6.2
// libFuzzer targets for Gauntlet. Build here, not in the root package:
//   swift build --sanitize=address --sanitize=fuzzer \
//       -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp
// (without the explicit coverage flag Swift code is not instrumented; see README.md)
// (a fuzzer build of the root package would replace the gauntlet CLI's main).
import PackageDescription

// The codec targets need only the codec (GauntletCodecFuzz); FuzzNetwork drives a live server
// through the fuzzer's executor (GauntletFuzz: the engine, NIO's sockets, TLS).
let codecTargets = ["FuzzFrameDecoder", "FuzzUTF8", "FuzzHandshake", "FuzzClosePayload", "FuzzInflate"]

let package = Package(
    name: "GauntletFuzzTargets",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "Gauntlet", path: "..")],
    targets: codecTargets.map { name in
        .executableTarget(name: name, dependencies: [.product(name: "GauntletCodecFuzz", package: "Gauntlet")])
    } + [.executableTarget(name: "FuzzNetwork", dependencies: [.product(name: "GauntletFuzz", package: "Gauntlet")])]
)
