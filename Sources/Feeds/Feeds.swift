/// RSS, Atom and JSON Feed parsing and the feed poller (filled in by the feeds issue).
public enum Feeds {}
