// swift-tools-version:6.0
import PackageDescription

// The layout follows the pipeline: C shims, one library per stage, a thin CLI.
// Feeds/Inbox -> Extract -> Dedupe -> Archive, wired together by Pipeline and Daemon.
let package = Package(
    name: "winnow",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "winnow", targets: ["winnow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // MARK: C shims
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CUchardet", path: "Sources/CUchardet", pkgConfig: "uchardet",
            providers: [.apt(["libuchardet-dev"])]),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        // CLD2's API is C++: a C face (shim.cpp), linked against Debian's libcld2 (no pkg-config file).
        .target(name: "CCLD2", path: "Sources/CCLD2", linkerSettings: [.linkedLibrary("cld2")]),

        // ICU's transliterator (Debian's libicu-dev), opened once and reused: Foundation's
        // `applyingTransform` builds a new one for every call.
        .target(name: "CICU", path: "Sources/CICU", linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc")]),

        .target(name: "CSystem", path: "Sources/CSystem"),

        // MARK: Stages
        .target(name: "WinnowCore", dependencies: ["CSystem", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Fetch", dependencies: ["CCurl", "WinnowCore"]),
        .target(name: "Extract", dependencies: ["CLibXML2", "WinnowCore"]),
        .target(
            name: "Feeds",
            dependencies: ["CLibXML2", "CUchardet", "WinnowCore", "Extract", "Fetch", "Archive", "Pipeline",
                           .product(name: "Logging", package: "swift-log")]),
        .target(name: "Dedupe", dependencies: ["WinnowCore"]),
        .target(name: "Languages", dependencies: ["CCLD2"]),
        .target(name: "Archive", dependencies: ["CSQLite", "CLibPQ", "CICU", "WinnowCore", "Dedupe"]),
        .target(name: "Pipeline", dependencies: ["WinnowCore", "Extract", "Dedupe", "Archive", "Languages"]),
        .target(name: "Inbox", dependencies: ["WinnowCore", "Pipeline", "Archive"]),
        .target(name: "Daemon", dependencies: ["WinnowCore", "Pipeline", "Inbox", "Archive", "Fetch", "Feeds"]),
        .executableTarget(
            name: "winnow",
            dependencies: [
                "WinnowCore", "Extract", "Dedupe", "Archive", "Pipeline", "Inbox", "Daemon", "Fetch", "Feeds", "Languages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: Tests
        .target(
            name: "WinnowTestSupport",
            dependencies: ["WinnowCore", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "WinnowCoreTests", dependencies: ["WinnowCore", "WinnowTestSupport"]),
        .testTarget(name: "ExtractTests", dependencies: ["Extract", "WinnowTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ArchiveTests", dependencies: ["Archive", "WinnowTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Archive", "Feeds", "WinnowTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "FetchTests", dependencies: ["Fetch", "WinnowTestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "FeedsTests", dependencies: ["Feeds", "Fetch", "Archive", "Pipeline", "WinnowTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "DedupeTests", dependencies: ["Dedupe", "WinnowTestSupport"]),
        .testTarget(name: "LanguagesTests", dependencies: ["Languages", "WinnowTestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "WinnowTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
