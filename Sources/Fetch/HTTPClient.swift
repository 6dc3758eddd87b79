import CCurl
import Dispatch
import Foundation

/// An HTTP client on libcurl's multi interface.
///
/// One dedicated thread owns the `CURLM` handle and every easy handle: it starts transfers
/// (respecting the global and per-host connection caps and the per-host delay), drives
/// them with `curl_multi_perform`/`curl_multi_poll`, and hands each result to the caller's
/// queue. Other threads only append to a locked submission list and call
/// `curl_multi_wakeup`, the one multi call libcurl allows from any thread.
public final class HTTPClient: @unchecked Sendable {
    public let settings: FetchSettings

    // Shared between submitters and the loop thread, guarded by `lock`.
    private let lock = NSLock()
    private var submitted: [Transfer] = []
    private var shuttingDown = false
    private let finished = DispatchSemaphore(value: 0)

    // Confined to the loop thread.
    private let multi: UnsafeMutableRawPointer
    private var waiting: [Transfer] = []
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var activePerHost: [String: Int] = [:]
    private var lastStartPerHost: [String: UInt64] = [:]

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(settings: FetchSettings) {
        _ = Self.globalInit
        self.settings = settings
        multi = curl_multi_init()
        winnow_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, settings.maxConnections)
        winnow_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, settings.perHost)
        let thread = Thread { @Sendable [self] in self.loop() }
        thread.name = "winnow.http"
        thread.start()
    }

    /// Starts a GET; `completion` runs on `queue` exactly once.
    public func fetch(_ request: HTTPRequest, queue: DispatchQueue, completion: @escaping @Sendable (FetchResult) -> Void) {
        let transfer = Transfer(request: request, queue: queue, completion: completion,
                                maxBytes: request.maxBodyBytes ?? settings.maxBodyBytes)
        lock.lock()
        let refused = shuttingDown
        if !refused { submitted.append(transfer) }
        lock.unlock()
        if refused {
            transfer.finish(.failure(FetchError(.cancelled, "client is shut down")))
        } else {
            curl_multi_wakeup(multi)
        }
    }

    /// Fetches and waits (never call from the queue the result would be delivered on).
    public func fetchSync(_ request: HTTPRequest) -> FetchResult {
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        fetch(request, queue: DispatchQueue.global()) { @Sendable result in
            box.set(result)
            done.signal()
        }
        done.wait()
        return box.get()!
    }

    /// Cancels everything in flight (completions get `.cancelled`), frees every curl object
    /// and waits for the loop thread to end. Idempotent.
    public func shutdown() {
        lock.lock()
        let first = !shuttingDown
        shuttingDown = true
        lock.unlock()
        guard first else { return }
        curl_multi_wakeup(multi)
        finished.wait()
    }

    // MARK: Loop thread

    private func loop() {
        while true {
            lock.lock()
            let stop = shuttingDown
            waiting.append(contentsOf: submitted)
            submitted.removeAll()
            lock.unlock()
            if stop { break }

            let waitMs = startEligible()
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            if collectFinished() > 0 && !waiting.isEmpty { continue }  // a slot freed: start the next at once
            var numfds: Int32 = 0
            let timeout = active.isEmpty ? min(waitMs, 1000) : min(waitMs, 200)
            curl_multi_poll(multi, nil, 0, Int32(timeout), &numfds)
        }
        for (easy, transfer) in active {
            curl_multi_remove_handle(multi, easy)
            transfer.cleanup()
            transfer.finish(.failure(FetchError(.cancelled, "client shut down")))
        }
        active.removeAll()
        lock.lock()
        waiting.append(contentsOf: submitted)
        submitted.removeAll()
        lock.unlock()
        for transfer in waiting { transfer.finish(.failure(FetchError(.cancelled, "client shut down"))) }
        waiting.removeAll()
        curl_multi_cleanup(multi)
        finished.signal()
    }

    /// Starts every waiting transfer the caps allow; returns how long until a host delay
    /// could let another one start (ms).
    private func startEligible() -> Int {
        var nextWait = 1000
        let now = DispatchTime.now().uptimeNanoseconds
        let delay = UInt64(max(0, settings.hostDelayMilliseconds)) * 1_000_000
        var index = 0
        while index < waiting.count, active.count < settings.maxConnections {
            let transfer = waiting[index]
            let host = transfer.host
            if activePerHost[host, default: 0] >= settings.perHost { index += 1; continue }
            if let last = lastStartPerHost[host], now < last + delay {
                nextWait = min(nextWait, Int((last + delay - now) / 1_000_000) + 1)
                index += 1
                continue
            }
            waiting.remove(at: index)
            if let error = transfer.configure(settings: settings) {
                transfer.cleanup()
                transfer.finish(.failure(error))
                continue
            }
            guard let easy = transfer.easy else { continue }
            activePerHost[host, default: 0] += 1
            lastStartPerHost[host] = now
            active[easy] = transfer
            curl_multi_add_handle(multi, easy)
        }
        return nextWait
    }

    @discardableResult
    private func collectFinished() -> Int {
        var count = 0
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard winnow_msg_is_done(message) != 0, let easy = winnow_msg_easy(message) else { continue }
            let code = winnow_msg_result(message)
            curl_multi_remove_handle(multi, easy)
            guard let transfer = active.removeValue(forKey: easy) else { continue }
            activePerHost[transfer.host, default: 1] -= 1
            if activePerHost[transfer.host] == 0 { activePerHost[transfer.host] = nil }
            let result = transfer.result(code: code)
            transfer.cleanup()
            transfer.finish(result)
            count += 1
        }
        return count
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: FetchResult?
    func set(_ v: FetchResult) { lock.lock(); value = v; lock.unlock() }
    func get() -> FetchResult? { lock.lock(); defer { lock.unlock() }; return value }
}

/// One request's curl state; touched only by the loop thread (and by libcurl callbacks,
/// which run on that thread inside `curl_multi_perform`).
final class Transfer: @unchecked Sendable {
    let request: HTTPRequest
    let queue: DispatchQueue
    let completion: @Sendable (FetchResult) -> Void
    let maxBytes: Int
    let host: String
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var tooLarge = false
    var freed = false

    init(request: HTTPRequest, queue: DispatchQueue, completion: @escaping @Sendable (FetchResult) -> Void, maxBytes: Int) {
        self.request = request
        self.queue = queue
        self.completion = completion
        self.maxBytes = maxBytes
        host = URLComponents(string: request.url)?.host?.lowercased() ?? ""
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit { errorBuffer.deallocate() }

    func finish(_ result: FetchResult) {
        let completion = self.completion
        queue.async { @Sendable in completion(result) }
    }

    /// Creates and configures the easy handle; an error means the request cannot start.
    func configure(settings: FetchSettings) -> FetchError? {
        let lower = request.url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), !host.isEmpty else {
            return FetchError(.badURL, "'\(request.url)' is not an http or https URL")
        }
        guard let easy = curl_easy_init() else { return FetchError(.network, "curl_easy_init failed") }
        self.easy = easy
        let me = Unmanaged.passUnretained(self).toOpaque()
        var failed: CURLcode = CURLE_OK
        func check(_ code: CURLcode) { if code != CURLE_OK && failed == CURLE_OK { failed = code } }
        check(winnow_easy_setopt_string(easy, CURLOPT_URL, request.url))
        check(winnow_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)))
        check(winnow_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(winnow_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
        check(winnow_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1))
        check(winnow_easy_setopt_long(easy, CURLOPT_MAXREDIRS, settings.maxRedirects))
        check(winnow_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        check(winnow_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, settings.connectTimeoutMilliseconds))
        check(winnow_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, settings.timeoutMilliseconds))
        check(winnow_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""))
        check(winnow_easy_setopt_string(easy, CURLOPT_USERAGENT, settings.userAgent))
        check(winnow_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)))
        check(winnow_easy_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBytes)))
        check(winnow_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, request.insecureTLS ? 0 : 1))
        check(winnow_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, request.insecureTLS ? 0 : 2))
        if let proxy = settings.proxy { check(winnow_easy_setopt_string(easy, CURLOPT_PROXY, proxy)) }
        for line in request.headers { headerList = curl_slist_append(headerList, line) }
        if let headerList { check(winnow_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList)) }
        check(winnow_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me))
        check(winnow_easy_setopt_write(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            let n = size * count
            // Enforced while streaming: stop the transfer as soon as the decoded body is over the cap.
            if transfer.body.count + n > transfer.maxBytes {
                transfer.tooLarge = true
                return 0
            }
            if n > 0, let data { transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n)) }
            return n
        })
        check(winnow_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me))
        check(winnow_easy_setopt_write(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            let n = size * count
            guard n > 0, let data else { return n }
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self)
            transfer.headerLine(line)
            return n
        })
        if failed != CURLE_OK { return FetchError(.network, "curl option rejected: \(String(cString: curl_easy_strerror(failed)))") }
        return nil
    }

    func headerLine(_ line: String) {
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new response (redirect hop or 100-continue) starts
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        if let existing = headers[name] { headers[name] = existing + ", " + value } else { headers[name] = value }
    }

    func result(code: CURLcode) -> FetchResult {
        guard let easy else { return .failure(FetchError(.network, "no handle")) }
        if code != CURLE_OK {
            let detail = String(cString: errorBuffer)
            let text = String(cString: curl_easy_strerror(code)) + (detail.isEmpty ? "" : " (\(detail))")
            switch code {
            case CURLE_WRITE_ERROR where tooLarge, CURLE_FILESIZE_EXCEEDED:
                return .failure(FetchError(.tooLarge, "body over the limit of \(maxBytes) bytes"))
            case CURLE_OPERATION_TIMEDOUT: return .failure(FetchError(.timeout, text))
            case CURLE_TOO_MANY_REDIRECTS: return .failure(FetchError(.tooManyRedirects, text))
            case CURLE_UNSUPPORTED_PROTOCOL: return .failure(FetchError(.refusedProtocol, text))
            case CURLE_COULDNT_CONNECT: return .failure(FetchError(.connect, text))
            case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .failure(FetchError(.dns, text))
            case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE:
                return .failure(FetchError(.tls, text))
            case CURLE_BAD_CONTENT_ENCODING: return .failure(FetchError(.badEncoding, text))
            case CURLE_URL_MALFORMAT: return .failure(FetchError(.badURL, text))
            default: return .failure(FetchError(.network, text))
            }
        }
        var status = 0
        winnow_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var redirects = 0
        winnow_easy_getinfo_long(easy, CURLINFO_REDIRECT_COUNT, &redirects)
        var effective: UnsafeMutablePointer<CChar>?
        winnow_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &effective)
        // A redirect the client would not follow (limit 0 / no Location) ends on a 3xx.
        return .success(HTTPResponse(status: status, headers: headers, body: body,
                                     effectiveURL: effective.map { String(cString: $0) } ?? request.url, redirects: redirects))
    }

    /// Frees the easy handle and header list (once).
    func cleanup() {
        guard !freed else { return }
        freed = true
        if let easy { curl_easy_cleanup(easy) }
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
    }
}
