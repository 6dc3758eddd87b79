import Foundation

/// A real HTTP/1.1 server on 127.0.0.1 (BSD sockets, a thread per connection) for tests:
/// serves what the test's routes say and misbehaves on demand (hangs, drips, truncates,
/// streams more than a client should accept). Every connection is answered with
/// `Connection: close`. Conditional requests are honoured automatically: a response with an
/// `ETag` (or `Last-Modified`) header becomes a bodiless 304 when the request's
/// `If-None-Match` (or `If-Modified-Since`) matches.
public final class LoopbackHTTPServer: @unchecked Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        /// Lowercased names.
        public var headers: [String: String]
    }

    public enum Behavior: Sendable {
        /// A normal response; `Content-Length` is added unless `chunked` is set.
        case respond(status: Int, headers: [String: String], body: [UInt8], chunked: Bool = false)
        /// Reads the request and never answers (until the server stops).
        case hang
        /// Sends headers, then the body `chunk` bytes at a time with a pause between chunks.
        case drip(headers: [String: String], body: [UInt8], chunk: Int, pauseMilliseconds: Int)
        /// Announces `Content-Length: announced` but sends only `body`, then closes.
        case truncated(headers: [String: String], body: [UInt8], announced: Int)
        /// Streams `total` bytes of filler with no Content-Length (close-delimited), stopping when the client goes.
        case flood(headers: [String: String], total: Int)
    }

    /// What was asked and what went back.
    public struct Exchange: Sendable {
        public var request: Request
        public var status: Int
        /// Body bytes the server managed to write before the response ended or the client left.
        public var bodyBytesSent: Int
        public var bodyBytesIntended: Int
        /// False while the response is still being written. A plain `.respond` is logged
        /// before its body is written (as if fully sent, corrected if the client leaves), so a
        /// client that has the whole response always finds its exchange in the log.
        public var complete: Bool
    }

    public typealias Handler = @Sendable (Request) -> Behavior

    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private let listener: Int32
    private let handler: Handler
    private let lock = NSCondition()
    private var openConnections = Set<Int32>()
    private var exchanges: [Exchange] = []
    private var stopped = false
    private let stopSignal = DispatchGroup()

    public init(handler: @escaping Handler) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        stopSignal.enter()
        let thread = Thread { @Sendable [self] in self.acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Every exchange so far, in order of completion.
    public var log: [Exchange] { lock.lock(); defer { lock.unlock() }; return exchanges }

    public func requests(path: String) -> [Exchange] { log.filter { $0.request.path == path } }

    /// Stops accepting, closes every open connection and releases hanging handlers.
    public func stop() {
        // Descriptors are only shut down here and closed by their own threads (under the lock
        // for connections): closing a number another thread may still use would let the
        // kernel hand it to some other test's socket.
        lock.lock()
        guard !stopped else { lock.unlock(); return }
        stopped = true
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in openConnections { shutdown(fd, Int32(SHUT_RDWR)) }
        lock.unlock()
        stopSignal.leave()
    }

    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                close(listener)
                return
            }
            lock.lock()
            if stopped { lock.unlock(); close(fd); close(listener); return }
            openConnections.insert(fd)
            lock.unlock()
            let thread = Thread { @Sendable [self] in
                self.serve(fd)
                self.lock.lock()
                self.openConnections.remove(fd)
                close(fd)
                self.lock.unlock()
            }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        guard let request = readRequest(fd) else { return }
        let behavior = handler(request)
        var status = 0, sent = 0, intended = 0
        switch behavior {
        case .respond(var code, var headers, var body, let chunked):
            if isNotModified(request, headers) { code = 304; body = [] }
            status = code
            intended = body.count
            let slot = record(Exchange(request: request, status: code, bodyBytesSent: body.count, bodyBytesIntended: body.count,
                                       complete: false))
            if chunked {
                headers["Transfer-Encoding"] = "chunked"
                guard writeHead(fd, code, headers) else { break }
                var offset = 0
                while offset < body.count {
                    let piece = Array(body[offset..<min(body.count, offset + 4096)])
                    guard writeAll(fd, Array((String(piece.count, radix: 16) + "\r\n").utf8) + piece + Array("\r\n".utf8)) else { break }
                    offset += piece.count
                    sent = offset
                }
                _ = writeAll(fd, Array("0\r\n\r\n".utf8))
            } else {
                headers["Content-Length"] = "\(body.count)"
                if writeHead(fd, code, headers), request.method != "HEAD", writeAll(fd, body) { sent = body.count }
            }
            update(slot, sent)
            return
        case .hang:
            record(Exchange(request: request, status: 0, bodyBytesSent: 0, bodyBytesIntended: 0, complete: true))
            stopSignal.wait()
            return
        case .drip(var headers, let body, let chunk, let pause):
            status = 200
            intended = body.count
            headers["Content-Length"] = "\(body.count)"
            guard writeHead(fd, 200, headers) else { break }
            var offset = 0
            while offset < body.count, !isStopped {
                let end = min(body.count, offset + max(1, chunk))
                guard writeAll(fd, Array(body[offset..<end])) else { break }
                sent = end
                offset = end
                usleep(useconds_t(pause * 1000))  // pacing the drip, not synchronisation
            }
        case .truncated(var headers, let body, let announced):
            status = 200
            intended = announced
            headers["Content-Length"] = "\(announced)"
            if writeHead(fd, 200, headers), writeAll(fd, body) { sent = body.count }
        case .flood(let headers, let total):
            status = 200
            intended = total
            guard writeHead(fd, 200, headers) else { break }
            let block = [UInt8](repeating: UInt8(ascii: "x"), count: 65536)
            while sent < total {
                let n = min(block.count, total - sent)
                guard writeAll(fd, Array(block[0..<n])) else { break }
                sent += n
            }
        }
        record(Exchange(request: request, status: status, bodyBytesSent: sent, bodyBytesIntended: intended, complete: true))
    }

    @discardableResult
    private func record(_ exchange: Exchange) -> Int {
        lock.lock()
        exchanges.append(exchange)
        let slot = exchanges.count - 1
        lock.broadcast()
        lock.unlock()
        return slot
    }

    private func update(_ slot: Int, _ sent: Int) {
        lock.lock()
        exchanges[slot].bodyBytesSent = sent
        exchanges[slot].complete = true
        lock.broadcast()
        lock.unlock()
    }

    /// Waits (up to `timeout`, a safety net) until `predicate` holds for the exchange log.
    @discardableResult
    public func waitUntil(timeout: TimeInterval = 30, _ predicate: ([Exchange]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while !predicate(exchanges) {
            if !lock.wait(until: deadline) { return predicate(exchanges) }
        }
        return true
    }

    private func isNotModified(_ request: Request, _ headers: [String: String]) -> Bool {
        let lower = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        if let etag = lower["etag"], let match = request.headers["if-none-match"] {
            return match.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag }
        }
        if let modified = lower["last-modified"], let since = request.headers["if-modified-since"] { return modified == since }
        return false
    }

    private func readRequest(_ fd: Int32) -> Request? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while buffer.count < 65536 {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<n])
            if buffer.count >= 4, let _ = find(end, in: buffer) { break }
        }
        let text = String(decoding: buffer, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Request(method: String(parts[0]), path: String(parts[1]), headers: headers)
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }

    private func writeHead(_ fd: Int32, _ status: Int, _ headers: [String: String]) -> Bool {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        return writeAll(fd, Array(head.utf8))
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 304: return "Not Modified"
        case 404: return "Not Found"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

/// A mutable path → behaviour table for a `LoopbackHTTPServer`, editable while it runs.
public final class Routes: @unchecked Sendable {
    private let lock = NSLock()
    private var table: [String: LoopbackHTTPServer.Behavior] = [:]
    public init() {}
    public subscript(path: String) -> LoopbackHTTPServer.Behavior? {
        get { lock.lock(); defer { lock.unlock() }; return table[path] }
        set { lock.lock(); table[path] = newValue; lock.unlock() }
    }
    /// Serves `body` at `path` with 200 and the given content type (and ETag, if given).
    public func serve(_ path: String, _ body: String, type: String = "application/xml", etag: String? = nil) {
        var headers = ["Content-Type": type]
        if let etag { headers["ETag"] = etag }
        self[path] = .respond(status: 200, headers: headers, body: Array(body.utf8))
    }
    /// The handler to give the server: unknown paths are 404s.
    public var handler: LoopbackHTTPServer.Handler {
        { @Sendable [self] request in
            let path = String(request.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            return self[path] ?? .respond(status: 404, headers: ["Content-Type": "text/plain"], body: Array("not found".utf8))
        }
    }
}
