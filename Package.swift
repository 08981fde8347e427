// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "BundleKD",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "bundlekd", targets: ["TUI"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C system libraries: module.modulemap + shim.h (macros and variadics wrapped).
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // fork + exec for child servers and trainers: clean signal mask, parent-death signal.
        .target(name: "CChild"),
        // The pipeline: data, mining, LLM, workspace, knowledge, student, evaluation. No terminal code.
        .target(
            name: "Pipeline",
            dependencies: [
                "CCurl",
                "CChild",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("Knowledge/Templates")],
            // The miner's inner loops touch class-held buffers millions of times; dynamic
            // exclusivity checks cost ~15% there (measured with perf). Static checks remain.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        // The `bundlekd` executable: ncurses front end + headless CLI.
        .executableTarget(
            name: "TUI",
            dependencies: [
                "Pipeline",
                "CNcursesw",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // CSV.swift reads every CSV file the tests read a second time, to check the project's own reader.
        .testTarget(
            name: "PipelineTests", dependencies: ["Pipeline", .product(name: "CSV", package: "CSV.swift")]),
        .testTarget(name: "TUITests", dependencies: ["TUI"]),
    ]
)
