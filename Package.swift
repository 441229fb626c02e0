// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Gauntlet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gauntlet", targets: ["gauntlet"]),
        .library(name: "WebSocketWire", targets: ["WebSocketWire"]),
        .library(name: "WebSocketEndpoint", targets: ["WebSocketEndpoint"]),
        .library(name: "GauntletCases", targets: ["GauntletCases"]),
        .library(name: "GauntletEngine", targets: ["GauntletEngine"]),
        .library(name: "GauntletReports", targets: ["GauntletReports"]),
        .library(name: "GauntletFuzz", targets: ["GauntletFuzz"]),
        // The codec harnesses alone, for the libFuzzer targets that need nothing above the codec.
        .library(name: "GauntletCodecFuzz", targets: ["GauntletCodecFuzz"]),
        // What a library author adds to a test target: `Gauntlet.testServer(url, cases:policy:)`.
        .library(name: "GauntletKit", targets: ["GauntletKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The system zlib for permessage-deflate (RFC 7692); see Sources/WebSocketWire/Deflate.
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // Pure RFC 6455 + RFC 7692 codec on ByteBuffer: no sockets, no timers.
        .target(
            name: "WebSocketWire",
            dependencies: [
                "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The endpoint core: one WebSocket endpoint as a state machine, no sockets, no clocks of
        // its own. Every party of the project (tester, reference peers, fuzz executor) runs on it.
        .target(
            name: "WebSocketEndpoint",
            dependencies: [
                "WebSocketWire",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The case files themselves, shipped as resources so the binary works from any directory.
        .target(
            name: "GauntletCatalog",
            path: "Cases",
            exclude: ["DIVERGENCES.md", "FAMILIES.md", "README.md"],
            sources: ["CatalogBundle.swift"],
            resources: [.copy("autobahn"), .copy("gauntlet")]
        ),
        .target(
            name: "GauntletCases",
            dependencies: ["GauntletCatalog"]
        ),
        // The Judge and the facts it reads: pure values, no I/O and no words (GauntletReports
        // words them), so the engine and the reports both see them.
        .target(
            name: "GauntletJudge",
            dependencies: ["GauntletCases", "WebSocketWire", "WebSocketEndpoint"]
        ),
        .target(
            name: "GauntletEngine",
            dependencies: [
                "WebSocketWire",
                "WebSocketEndpoint",
                "GauntletCases",
                "GauntletJudge",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "GauntletReports",
            dependencies: ["GauntletCases", "GauntletJudge", "WebSocketEndpoint"]
        ),
        // The properties the codec fuzz targets check (CodecHarness): only the codec below it, so
        // the sanitizer build of those targets does not build the engine, NIO's sockets or TLS.
        .target(
            name: "GauntletCodecFuzz",
            dependencies: ["WebSocketWire", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(
            name: "GauntletFuzz",
            dependencies: [
                "GauntletCodecFuzz",
                "WebSocketWire",
                "WebSocketEndpoint",
                "GauntletCases",
                "GauntletEngine",
                "GauntletReports",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The Swift API: plans, runs and reports a test run; the CLI is flag parsing on top of it.
        .target(
            name: "GauntletKit",
            dependencies: [
                "GauntletCases",
                "GauntletJudge",
                "GauntletEngine",
                "GauntletReports",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "gauntlet",
            dependencies: [
                "GauntletKit",
                "WebSocketWire",
                "GauntletCases",
                "GauntletEngine",
                "GauntletReports",
                "GauntletFuzz",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The README's Swift driver for `gauntlet test-client`: built and run by the CLI tests so it
        // cannot rot.
        .executableTarget(
            name: "nio-client-driver",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Examples/NIOClientDriver"
        ),
        .testTarget(name: "WebSocketWireTests", dependencies: ["WebSocketWire"]),
        .testTarget(
            name: "WebSocketEndpointTests",
            dependencies: [
                "WebSocketEndpoint", "WebSocketWire", .product(name: "NIOEmbedded", package: "swift-nio"),
            ]),
        .testTarget(name: "GauntletCasesTests", dependencies: ["GauntletCases"]),
        // Faulty peers and fixtures the tests share; never part of a product.
        .target(
            name: "GauntletTestSupport",
            dependencies: [
                "WebSocketWire", "WebSocketEndpoint", "GauntletEngine", "GauntletJudge", "GauntletReports",
                "GauntletFuzz", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/GauntletTestSupport"
        ),
        // `FaultyEchoServer` as a process that really dies (abort) on its fault: the CLI tests
        // supervise it with `gauntlet fuzz --exec`.
        .executableTarget(
            name: "faulty-echo",
            dependencies: [
                "GauntletTestSupport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/FaultyEchoExecutable"
        ),
        .testTarget(
            name: "GauntletEngineTests",
            dependencies: [
                "GauntletEngine", "GauntletCases", "GauntletJudge", "GauntletReports", "WebSocketWire",
                "WebSocketEndpoint", "GauntletTestSupport", .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            exclude: ["Fixtures/README.md"],
            resources: [.copy("Fixtures/localhost-cert.pem"), .copy("Fixtures/localhost-key.pem")]),
        .testTarget(
            name: "GauntletReportsTests", dependencies: ["GauntletReports", "GauntletCases"], exclude: ["Fixtures"]),
        .testTarget(
            name: "GauntletFuzzTests",
            dependencies: [
                "GauntletFuzz", "GauntletEngine", "GauntletJudge", "GauntletReports", "WebSocketWire",
                "GauntletTestSupport",
            ]),
        // The README's Swift API example: public API only (no @testable), so it compiles as a user's would.
        .testTarget(name: "GauntletKitExampleTests", dependencies: ["GauntletKit"]),
        .testTarget(
            name: "GauntletCLITests", dependencies: ["gauntlet", "nio-client-driver", "faulty-echo"],
            exclude: ["Fixtures"]),
    ]
)
