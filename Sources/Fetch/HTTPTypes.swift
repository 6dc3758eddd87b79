import Foundation
import WinnowCore

/// One GET request.
public struct HTTPRequest: Sendable {
    public var url: String
    /// Extra request headers as `Name: value` lines (e.g. `If-None-Match: "x"`).
    public var headers: [String]
    /// Skip TLS certificate and host verification (per-feed opt-out; the caller logs a warning).
    public var insecureTLS: Bool
    /// Overrides the client's body cap for this request.
    public var maxBodyBytes: Int?

    public init(url: String, headers: [String] = [], insecureTLS: Bool = false, maxBodyBytes: Int? = nil) {
        self.url = url
        self.headers = headers
        self.insecureTLS = insecureTLS
        self.maxBodyBytes = maxBodyBytes
    }
}

/// A complete response (any status; 4xx and 5xx are responses, not errors).
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Headers of the final response (after redirects), names lowercased; repeated headers joined with ", ".
    public var headers: [String: String]
    /// The decoded body (Content-Encoding removed by libcurl).
    public var body: [UInt8]
    /// The URL after redirects.
    public var effectiveURL: String
    public var redirects: Int

    public init(status: Int, headers: [String: String], body: [UInt8], effectiveURL: String, redirects: Int) {
        self.status = status
        self.headers = headers
        self.body = body
        self.effectiveURL = effectiveURL
        self.redirects = redirects
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The `charset` parameter of `Content-Type`, if any.
    public var charset: String? {
        guard let type = header("content-type") else { return nil }
        for part in type.split(separator: ";").dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "charset" {
                return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            }
        }
        return nil
    }

    /// `Retry-After` as seconds from `now` (delta-seconds or an HTTP date).
    public func retryAfter(now: Date = Date()) -> TimeInterval? {
        guard let raw = header("retry-after")?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        if let seconds = Int(raw) { return TimeInterval(max(0, seconds)) }
        if let date = DateParser.parse(raw) { return max(0, date.timeIntervalSince(now)) }
        return nil
    }

    /// `Cache-Control: max-age` in seconds.
    public var maxAge: TimeInterval? {
        guard let cc = header("cache-control") else { return nil }
        for part in cc.lowercased().split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0] == "max-age", let v = Int(kv[1]) { return TimeInterval(max(0, v)) }
        }
        return nil
    }
}

/// Why a request produced no response.
public struct FetchError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        case timeout, tooLarge = "too_large", tooManyRedirects = "too_many_redirects", refusedProtocol = "refused_protocol"
        case connect, dns, tls, badURL = "bad_url", badEncoding = "bad_encoding", cancelled, network
    }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { "\(kind.rawValue): \(message)" }
}

public typealias FetchResult = Result<HTTPResponse, FetchError>

/// Limits and identity for the client, from `[fetch]`.
public struct FetchSettings: Sendable {
    public var userAgent: String
    public var connectTimeoutMilliseconds: Int
    public var timeoutMilliseconds: Int
    public var maxBodyBytes: Int
    public var maxConnections: Int
    public var perHost: Int
    public var hostDelayMilliseconds: Int
    public var maxRedirects: Int
    /// Proxy URL; nil leaves libcurl to read `http_proxy`/`https_proxy`/`no_proxy` from the environment.
    public var proxy: String?

    public init(_ config: Config.Fetch) {
        userAgent = config.userAgent
        connectTimeoutMilliseconds = config.connectTimeoutSeconds * 1000
        timeoutMilliseconds = config.timeoutSeconds * 1000
        maxBodyBytes = config.maxBodyBytes
        maxConnections = config.maxConnections
        perHost = config.perHost
        hostDelayMilliseconds = config.hostDelayMilliseconds
        maxRedirects = config.maxRedirects
        proxy = config.proxy
    }
}
