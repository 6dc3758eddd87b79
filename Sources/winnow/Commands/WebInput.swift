import Extract
import Fetch
import Foundation
import Pipeline
import WinnowCore

/// A page named by URL on the command line (`extract URL`, `ingest URL`): fetched once with
/// the feed fetcher's client and limits (size cap, timeouts, redirects over http(s) only).
enum WebInput {
    static func isURL(_ argument: String) -> Bool {
        let lower = argument.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// The page as an input, or a one-line error naming the URL and the reason.
    static func fetch(_ url: String, settings: Config.Fetch) -> Result<IngestInput, InputError> {
        let client = HTTPClient(settings: FetchSettings(settings))
        defer { client.shutdown() }
        switch client.fetchSync(HTTPRequest(url: url, maxBodyBytes: settings.maxBodyBytes)) {
        case .failure(let error):
            return .failure(InputError("\(url): \(error.description)"))
        case .success(let response):
            guard (200..<300).contains(response.status) else { return .failure(InputError("\(url): HTTP \(response.status)")) }
            let type = response.header("content-type")?.lowercased() ?? "text/html"
            let kind: InputKind
            if type.hasPrefix("text/plain") { kind = .text } else if type.contains("html") || type.contains("xml") { kind = .html } else {
                return .failure(InputError("\(url): unsupported content type '\(type)'; expected an HTML page or plain text"))
            }
            return .success(IngestInput(bytes: response.body, kind: kind, origin: url, url: response.effectiveURL, charset: response.charset))
        }
    }
}
