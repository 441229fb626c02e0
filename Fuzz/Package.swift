// swift-tools-version: 6.2
// libFuzzer targets for Gauntlet. Build here, not in the root package:
//   swift build --sanitize=address --sanitize=fuzzer \
//       -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp
// (without the explicit coverage flag Swift code is not instrumented; see README.md)
// (a fuzzer build of the root package would replace the gauntlet CLI's main).
import PackageDescription

let targets = ["FuzzFrameDecoder", "FuzzUTF8", "FuzzHandshake", "FuzzClosePayload", "FuzzInflate", "FuzzNetwork"]

let package = Package(
    name: "GauntletFuzzTargets",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "Gauntlet", path: "..")],
    targets: targets.map { name in
        .executableTarget(name: name, dependencies: [.product(name: "GauntletFuzz", package: "Gauntlet")])
    }
)
