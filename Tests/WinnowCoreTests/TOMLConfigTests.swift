import Testing
@testable import WinnowCore

@Suite struct ConfigTests {
    @Test func readsExampleStyleConfig() throws {
        let config = try Config.parse("""
            [paths]
            archive = "../var/archive"  # comment
            inbox = "/srv/inbox"
            state = 'state'
            [dedupe]
            jaccard = 0.8
            [[feeds]]
            url = "https://example.org/feed.xml"
            interval_minutes = 15
            [[feeds]]
            url = "http://example.com/rss"
            """, file: "w.toml", baseDirectory: "/etc/winnow")
        #expect(config.paths.archive == "/etc/var/archive")
        #expect(config.paths.inbox == "/srv/inbox")
        #expect(config.paths.state == "/etc/winnow/state")
        #expect(config.dedupe.jaccard == 0.8)
        #expect(config.feeds.map(\.url) == ["https://example.org/feed.xml", "http://example.com/rss"])
        #expect(config.feeds[0].intervalMinutes == 15)
    }

    @Test func reportsEveryProblemWithKeyAndLine() {
        do {
            _ = try Config.parse("""
                [paths]
                archive = "a"
                colour = "blue"
                [dedupe]
                jaccard = 1.5
                [log]
                level = "loud"
                [[feeds]]
                url = "file:///etc/passwd"
                """, file: "bad.toml", baseDirectory: "/")
            Issue.record("expected an error")
        } catch {
            let text = error.description
            #expect(text.contains("bad.toml: line 3: paths.colour: unknown key"))
            #expect(text.contains("line 5: dedupe.jaccard: 1.5 is out of range"))
            #expect(text.contains("line 7: log.level: 'loud'"))
            #expect(text.contains("line 9: feeds.url: 'file:///etc/passwd' is not an http or https URL"))
        }
    }

    @Test func indexSectionChoosesTheBackendAndNamesItsMistakes() throws {
        let shared = try Config.parse("""
            [paths]
            archive = "a"
            [index]
            backend = "postgres"
            url = "host=/run/postgresql dbname=winnow"
            node = "news-2"
            lease_seconds = 30
            """, file: "c.toml", baseDirectory: "/srv")
        #expect(shared.index == Config.Index(backend: .postgres, url: "host=/run/postgresql dbname=winnow", node: "news-2", leaseSeconds: 30))
        #expect(try Config.parse("[paths]\narchive = \"a\"\n", file: "c.toml", baseDirectory: "/").index.backend == .sqlite)
        do {
            _ = try Config.parse("[index]\nbackend = \"postgres\"\n", file: "c.toml", baseDirectory: "/")
            Issue.record("a postgres backend without a url was accepted")
        } catch {
            #expect(error.description.contains("line 2: index.url"), "\(error)")
        }
        do {
            _ = try Config.parse("[index]\nbackend = \"mysql\"\n", file: "c.toml", baseDirectory: "/")
            Issue.record("an unknown backend was accepted")
        } catch {
            #expect(error.description.contains("line 2: index.backend: 'mysql' is not one of sqlite, postgres"), "\(error)")
        }
    }

    @Test func syntaxErrorsNameTheLine() {
        #expect(throws: ConfigError.self) { try Config.parse("[paths]\narchive = unquoted\n", file: "x", baseDirectory: "/") }
        do { _ = try Config.parse("a = 1\n\n[b\n", file: "x", baseDirectory: "/") } catch {
            #expect(error.description.contains("line 3"))
        }
    }
}

@Suite struct JSONLineTests {
    @Test func escapesOnlyWhatJSONNeeds() {
        #expect(JSONLine.quote("plain “curly” text") == "\"plain “curly” text\"")
        #expect(JSONLine.quote("a\"b\\c\nd\u{1}") == "\"a\\\"b\\\\c\\nd\\u0001\"")
        #expect(JSONLine.quote("line\u{2028}sep") == "\"line\\u2028sep\"")
    }
}
