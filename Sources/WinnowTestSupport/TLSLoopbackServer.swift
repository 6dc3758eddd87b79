import Foundation

/// An HTTPS server on 127.0.0.1 for TLS tests: Python's `http.server` behind its `ssl`
/// module (python3 is installed by `make deps`), answering every GET with 200 and `body`.
/// The certificate is whatever the test hands in, typically a self-signed fixture.
public final class TLSLoopbackServer: @unchecked Sendable {
    public let port: Int
    public var baseURL: String { "https://127.0.0.1:\(port)" }
    private let process: Process

    private static let script = """
        import http.server, ssl, sys
        body = sys.argv[3].encode()
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        server.socket = context.wrap_socket(server.socket, server_side=True)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """

    public init(certificate: String, key: String, body: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, certificate, key, body]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The server prints its port once it listens: that line is the readiness signal.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw POSIXError(.ECONNREFUSED)
        }
        self.port = port
    }

    /// SIGKILL, not `terminate()`: the child inherits the blocked-signal mask of the
    /// Dispatch thread that started it, so a SIGTERM may never arrive.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}
