/// HTTP fetching on libcurl's multi interface (filled in by the feeds issue).
public enum Fetch {}
