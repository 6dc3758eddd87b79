import CLibXML2
import Extract
import Fetch
import Foundation

/// Finds the feed behind a URL that may be a web page: the URL itself when it is a feed,
/// else the page's `<link rel="alternate">` feeds, else the usual paths (`/feed`, `/rss`,
/// `/atom.xml`, `/feed.xml`, `/index.xml`). Every candidate is fetched and parsed before it
/// is chosen.
public enum FeedDiscovery {
    /// Where the feed was found.
    public enum Via: Equatable, Sendable {
        /// The URL given is a feed.
        case direct
        /// A `<link rel="alternate">` of the page.
        case linkTag
        /// A common path tried on the site.
        case commonPath
    }

    public struct Found: Sendable {
        public var url: String
        public var title: String?
        public var via: Via
        public var entries: Int
    }

    public struct Failure: Error, Sendable, CustomStringConvertible, Equatable {
        public var message: String
        public var description: String { message }
    }

    static let feedTypes: Set<String> = ["application/rss+xml", "application/atom+xml", "application/feed+json",
                                         "application/json", "application/rdf+xml", "application/xml", "text/xml"]
    public static let commonPaths = ["/feed", "/rss", "/atom.xml", "/feed.xml", "/index.xml"]

    /// Looks for the feed of `url` with `client` (synchronous; not for a Dispatch handler).
    public static func discover(_ url: String, client: HTTPClient, insecureTLS: Bool = false) throws(Failure) -> Found {
        let page: HTTPResponse
        switch client.fetchSync(HTTPRequest(url: url, insecureTLS: insecureTLS)) {
        case .failure(let error): throw Failure(message: "\(url): \(error.description)")
        case .success(let response): page = response
        }
        guard (200..<300).contains(page.status) else { throw Failure(message: "\(url): HTTP \(page.status)") }
        var parseError: String?
        do {
            let feed = try parse(page)
            return Found(url: url, title: feed.title, via: .direct, entries: feed.entries.count)
        } catch { parseError = error.message }
        guard looksLikeHTML(page) else { throw Failure(message: "\(url) is not a feed (\(parseError ?? "unreadable"))") }

        for link in alternateLinks(page.body, base: page.effectiveURL) {
            if let found = try? candidate(link, client: client, insecureTLS: insecureTLS, via: .linkTag) { return found }
        }
        guard let base = URL(string: page.effectiveURL) else { throw Failure(message: "\(url) is an HTML page with no feed link") }
        for path in commonPaths {
            guard let candidateURL = URL(string: path, relativeTo: base)?.absoluteURL.absoluteString else { continue }
            if let found = try? candidate(candidateURL, client: client, insecureTLS: insecureTLS, via: .commonPath) { return found }
        }
        throw Failure(message: "\(url) is an HTML page with no feed link (and none at \(commonPaths.joined(separator: ", ")))")
    }

    static func parse(_ response: HTTPResponse) throws(FeedParseError) -> ParsedFeed {
        try FeedParser.parse(response.body, url: response.effectiveURL, charset: response.charset,
                             contentLocation: response.header("content-location"))
    }

    static func candidate(_ url: String, client: HTTPClient, insecureTLS: Bool, via: Via) throws -> Found {
        let response = try client.fetchSync(HTTPRequest(url: url, insecureTLS: insecureTLS)).get()
        guard (200..<300).contains(response.status) else { throw Failure(message: "HTTP \(response.status)") }
        let feed = try parse(response)
        return Found(url: url, title: feed.title, via: via, entries: feed.entries.count)
    }

    static func looksLikeHTML(_ response: HTTPResponse) -> Bool {
        if let type = response.header("content-type")?.lowercased(), type.contains("html") { return true }
        let head = String(decoding: response.body.prefix(1024), as: UTF8.self).lowercased()
        return head.contains("<html") || head.contains("<!doctype html") || head.contains("<head")
    }

    /// The feed URLs a page announces with `<link rel="alternate" type="…">`, in page order.
    public static func alternateLinks(_ html: [UInt8], base: String) -> [String] {
        LibXML.initialize()
        guard !html.isEmpty else { return [] }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                            | HTML_PARSE_NONET.rawValue)
        let document: htmlDocPtr? = html.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                htmlReadMemory($0, Int32(buffer.count), base, nil, options)
            }
        }
        guard let document else { return [] }
        defer { xmlFreeDoc(document) }
        var links: [String] = []
        var pending: [xmlNodePtr] = []
        if let root = xmlDocGetRootElement(document) { pending.append(root) }
        var visited = 0
        while let node = pending.popLast(), visited < 100_000 {
            visited += 1
            if node.pointee.type == XML_ELEMENT_NODE, let name = node.pointee.name, String(cString: name).lowercased() == "link" {
                let rel = attribute(node, "rel")?.lowercased().split(separator: " ").map(String.init) ?? []
                let type = attribute(node, "type")?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
                if rel.contains("alternate"), feedTypes.contains(type), let href = attribute(node, "href"), !href.isEmpty {
                    let resolved = FeedText.resolve(href, against: base)
                    if !links.contains(resolved) { links.append(resolved) }
                }
            }
            // Children pushed in reverse so the page order is kept.
            var children: [xmlNodePtr] = []
            var child = node.pointee.children
            while let c = child { children.append(c); child = c.pointee.next }
            pending.append(contentsOf: children.reversed())
        }
        return links
    }

    static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { winnow_xml_free(value) }
        return String(cString: value)
    }
}
