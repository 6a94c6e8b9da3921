// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Remedy",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "remedy", targets: ["remedy"]),
        .library(name: "RemedyCore", targets: ["RemedyCore"]),
        .library(name: "RemedyGit", targets: ["RemedyGit"]),
        .library(name: "RemedyPython", targets: ["RemedyPython"]),
        .plugin(name: "RemedyCommandPlugin", targets: ["RemedyCommandPlugin"]),
    ],
    dependencies: [
        // The command line (the contract's subcommands and flags).
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Playbooks and .remedy.yml, read as nodes so every error carries file:line:column.
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // Child processes (the test reruns): clean signal mask, process groups.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.0"),
    ],
    targets: [
        // libgit2's headers (apt-get install libgit2-dev). The library itself is not linked:
        // CLibgit2Loader loads it when the first repository is opened, so commands that
        // need no git (triage, playbooks, symbols) do not pay for loading it and the
        // sixteen libraries it needs.
        .systemLibrary(
            name: "CLibgit2",
            path: "Sources/CLibgit2"
        ),
        .target(
            name: "CLibgit2Loader",
            dependencies: ["CLibgit2"],
            exclude: ["functions.h"],
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // glibc's malloc.h (mallopt), for tuning how the heap grows during a triage.
        .systemLibrary(
            name: "CMalloc",
            path: "Sources/CMalloc"
        ),
        // A cache prefetch hint (one inline function), for the streaming reader's table lookups.
        .systemLibrary(
            name: "CPrefetch",
            path: "Sources/CPrefetch"
        ),
        // Starting a thread on another core than its maker's (C: the GNU affinity calls).
        .target(name: "CCorePlacement"),
        .systemLibrary(
            name: "CPCRE2",
            path: "Sources/CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        .target(
            name: "RemedyCore",
            dependencies: [
                "CCorePlacement",
                "CPCRE2",
                "CPrefetch",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .target(
            name: "RemedyGit",
            dependencies: ["CLibgit2", "CLibgit2Loader", "RemedyCore"]
        ),
        .target(
            name: "RemedyPython",
            dependencies: ["RemedyCore"]
        ),
        .plugin(
            name: "RemedyEmbedPlugin",
            capability: .buildTool()
        ),
        .plugin(
            name: "RemedyCommandPlugin",
            capability: .command(
                intent: .custom(verb: "remedy", description: "Run the remedy tool on this package's folder"),
                permissions: [.writeToPackageDirectory(reason: "remedy fix writes branches and patches into the repository")]
            ),
            dependencies: ["remedy"]
        ),
        .executableTarget(
            name: "remedy",
            dependencies: [
                "RemedyCore", "RemedyGit", "RemedyPython", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Links to playbooks/ and demo/: inside the target's folder, so SwiftPM plans the
            // build again (and the embed plugin runs) when a file there is added or removed.
            exclude: ["Shipped"],
            // The commands' async functions run where they are called (InPlaceCommand: on the
            // main thread), not on a thread of the global pool.
            swiftSettings: [.enableUpcomingFeature("NonisolatedNonsendingByDefault")],
            // A release binary is linked at a fixed address (not position-independent): ld.so
            // then has none of the Swift runtime's and Foundation's 81,000 relative relocations
            // to apply, nor their pages to copy, at every start (0.6 ms of each command).
            linkerSettings: [.unsafeFlags(["-Xlinker", "-no-pie"], .when(platforms: [.linux], configuration: .release))],
            plugins: ["RemedyEmbedPlugin"]
        ),
        // Benchmarks/bench.py's in-process figures (rule matching), built in release mode.
        .executableTarget(
            name: "remedy-bench",
            dependencies: ["RemedyCore", "RemedyPython"],
            path: "Benchmarks/RemedyBench"
        ),
        // Helpers the test targets share: temporary folders, commands, fixtures.
        .target(name: "RemedyTestSupport", dependencies: ["RemedyCore"], path: "Tests/RemedyTestSupport"),
        .testTarget(name: "RemedyCoreTests", dependencies: ["RemedyCore", "RemedyTestSupport"]),
        .testTarget(name: "RemedyPythonTests", dependencies: ["RemedyPython", "RemedyCore", "RemedyTestSupport"]),
        .testTarget(name: "RemedyGitTests", dependencies: ["RemedyGit", "RemedyCore", "RemedyTestSupport"]),
        .testTarget(
            name: "RemedyEndToEndTests",
            dependencies: ["RemedyCore", "RemedyGit", "RemedyPython", "RemedyTestSupport", "remedy"]
        ),
    ]
)
