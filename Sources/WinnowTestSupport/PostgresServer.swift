import Foundation
import Synchronization

/// A throw-away PostgreSQL cluster for tests: `initdb` into a temporary folder, started
/// with `pg_ctl` listening only on a Unix socket in that folder, stopped when the test
/// process exits. Run as root (CI containers), the server runs as the unprivileged
/// `postgres` (else `nobody`) user, as PostgreSQL requires. One cluster per test process;
/// each test takes its own database from it.
public final class PostgresServer: @unchecked Sendable {
    /// The cluster of this test process, started on first use.
    public static let shared: Result<PostgresServer, Error> = Result { try PostgresServer() }

    public let directory: String
    private let lock = NSLock()
    private var databases = 0
    private let runAs: String?

    /// Folder of the PostgreSQL server programs (`initdb`, `pg_ctl`, `createdb`): Debian's
    /// versioned folder (newest first), else on PATH.
    public static func binaryFolder() -> String? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let debian = versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }).map { "/usr/lib/postgresql/\($0)/bin" }
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return (debian + path).first { folder in
            ["initdb", "pg_ctl", "createdb"].allSatisfy { FileManager.default.isExecutableFile(atPath: folder + "/" + $0) }
        }
    }

    public init() throws {
        guard let bin = Self.binaryFolder() else { throw PostgresServerError("no initdb/pg_ctl found (apt install postgresql)") }
        var template = Array("/tmp/winnow-pg.XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { throw PostgresServerError("mkdtemp failed") }
        directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if getuid() == 0 {
            let user = getpwnam("postgres") != nil ? "postgres" : "nobody"
            runAs = user
            let pw = getpwnam(user)!.pointee
            guard chown(directory, pw.pw_uid, pw.pw_gid) == 0 else { throw PostgresServerError("cannot chown \(directory) to \(user)") }
        } else {
            runAs = nil
        }
        try run(bin + "/initdb", ["-D", directory + "/data", "-U", "winnow", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        let options = "-k \(directory) -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            + "-c max_connections=200 -c shared_buffers=64MB"
        try run(bin + "/pg_ctl", ["-D", directory + "/data", "-o", options, "-l", directory + "/server.log", "-w", "-t", "60", "start"])
        let stop = "\(bin)/pg_ctl -D \(directory)/data -m immediate -w stop >/dev/null 2>&1; rm -rf \(directory)"
        let command = runAs.map { "runuser -u \($0) -- sh -c '\(stop)'" } ?? stop
        Self.stopCommands.withLock { $0.append(command) }
        Self.registerExit
    }

    /// A connection string for the cluster's maintenance database (to create others).
    public var adminURL: String { "host=\(directory) dbname=postgres user=winnow" }

    /// A new, empty database for one test; returns its libpq connection string.
    public func makeDatabase() throws -> String {
        // One at a time: CREATE DATABASE copies template1, which two copies at once can refuse.
        try lock.withLock {
            databases += 1
            let name = "test_\(getpid())_\(databases)"
            try run(Self.binaryFolder()! + "/createdb", ["-h", directory, "-U", "winnow", name])
            return "host=\(directory) dbname=\(name) user=winnow"
        }
    }

    /// Runs a program (as the server's user for the server tools) and waits for it, with
    /// posix_spawn and waitpid: Foundation's Process missed these children's exit when
    /// waited for from a test's thread. Output goes to a file, not a pipe, as the server
    /// pg_ctl starts would hold a pipe open.
    private func run(_ program: String, _ arguments: [String]) throws {
        let argv = (runAs != nil ? ["/usr/sbin/runuser", "-u", runAs!, "--", program] : [program]) + arguments
        let outputPath = directory + "/command-\(UUID().uuidString).out"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o666)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
        guard spawned == 0 else { throw PostgresServerError("cannot run \(argv[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw PostgresServerError("\((program as NSString).lastPathComponent) failed (status \(status)): \(text)")
        }
    }

    private static let stopCommands = Mutex<[String]>([])
    private static let registerExit: Void = {
        atexit {
            for command in PostgresServer.stopCommands.withLock({ $0 }) { _ = system(command) }
        }
    }()
}

public struct PostgresServerError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
