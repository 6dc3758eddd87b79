import Foundation

/// Deterministic news-like text for tests that need many distinct articles.
public enum GeneratedText {
    /// `paragraphs` paragraphs of 55–74 words drawn from a small news vocabulary; different
    /// seeds give different (not near-duplicate) articles.
    public static func article(seed: UInt64, paragraphs: Int = 8) -> [String] {
        let vocabulary = """
            the minister said talks with officials in the capital would resume next week after a dispute over \
            border security trade tariffs and the release of prisoners held since last year according to a \
            statement issued by the foreign office on tuesday evening while opposition leaders called for an \
            inquiry into spending on the new railway project that has been delayed by floods and strikes
            """.split(separator: " ").map(String.init)
        var state = seed
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: state >> 33)
        }
        return (0..<paragraphs).map { _ in
            var words = (0..<(55 + next() % 20)).map { _ in vocabulary[next() % vocabulary.count] }
            words[0] = words[0].capitalized
            return words.joined(separator: " ") + "."
        }
    }

    /// A text clipping: a title line, then the article's paragraphs.
    public static func clipping(seed: UInt64, paragraphs: Int = 8) -> String {
        (["Report number \(seed) on the talks", ""] + article(seed: seed, paragraphs: paragraphs)).joined(separator: "\n\n") + "\n"
    }
}

/// A size-limited tmpfs mounted over a test folder (root only), to make a disk fill up.
public final class TmpfsMount: @unchecked Sendable {
    public let path: String

    /// Nil when the mount is refused (not root, or no mount permission in this sandbox).
    public init?(at path: String, size: String) {
        self.path = path
        guard getuid() == 0, Self.run(["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path]) else { return nil }
    }

    /// Changes the size in place (files stay).
    public func resize(_ size: String) {
        _ = Self.run(["-o", "remount,size=\(size)", path])
    }

    public func unmount() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/umount")
        process.arguments = ["-l", path]
        try? process.run()
        process.waitUntilExit()
    }

    private static func run(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/mount")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
