/// Why an input could not become an article; the message is what users read in
/// `failed/<name>.error.txt`, the log and `winnow ingest` output.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
