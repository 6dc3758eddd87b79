import Foundation
import Testing
@testable import WinnowCore

/// The date strings feeds use that the parser used to miss (issue 15, class 5), and the
/// ambiguous numeric dates that must stay unknown.
@Suite struct DateParserWildTests {
    @Test(arguments: [
        // RFC 822 with two-digit years
        ("Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z"),
        ("Mon, 6 Jan 25 10:00:00 +0000", "2025-01-06T10:00:00Z"),
        ("Fri, 31 Dec 99 23:59:59 GMT", "1999-12-31T23:59:59Z"),
        // US zone names
        ("Mon, 06 Jan 2025 10:00:00 EST", "2025-01-06T15:00:00Z"),
        ("Mon, 07 Jul 2025 10:00:00 EDT", "2025-07-07T14:00:00Z"),
        ("Mon, 06 Jan 2025 10:00:00 CST", "2025-01-06T16:00:00Z"),
        ("Mon, 07 Jul 2025 10:00:00 CDT", "2025-07-07T15:00:00Z"),
        ("Mon, 06 Jan 2025 10:00:00 MST", "2025-01-06T17:00:00Z"),
        ("Mon, 07 Jul 2025 10:00:00 MDT", "2025-07-07T16:00:00Z"),
        ("Mon, 06 Jan 2025 10:00:00 PST", "2025-01-06T18:00:00Z"),
        ("Mon, 07 Jul 2025 10:00:00 PDT", "2025-07-07T17:00:00Z"),
        ("Mon, 06 Jan 2025 10:00:00 ET", "2025-01-06T15:00:00Z"),
        ("Mon, 06 Jan 2025 10:00:00 CT", "2025-01-06T16:00:00Z"),
        ("Mon, 06 Jan 2025 10:00:00 MT", "2025-01-06T17:00:00Z"),
        ("Mon, 06 Jan 2025 10:00:00 PT", "2025-01-06T18:00:00Z"),
        // Offsets after a zone name
        ("Mon, 06 Jan 2025 10:00:00 GMT-01:01", "2025-01-06T11:01:00Z"),
        ("Mon, 06 Jan 2025 10:00:00 GMT+0200", "2025-01-06T08:00:00Z"),
        ("Mon, 06 Jan 2025 10:00:00 UTC+1", "2025-01-06T09:00:00Z"),
        // W3C partial dates
        ("2003", "2003-01-01T00:00:00Z"),
        ("2003-12", "2003-12-01T00:00:00Z"),
        ("2003-12-31", "2003-12-31T00:00:00Z"),
        ("2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z"),
        // ISO 8601 basic format
        ("20250106T100000Z", "2025-01-06T10:00:00Z"),
        ("20250106T1000Z", "2025-01-06T10:00:00Z"),
        ("20250106T100000+0100", "2025-01-06T09:00:00Z"),
        // European month names
        ("6 januari 2025", "2025-01-06T00:00:00Z"),
        ("6. Dezember 2024", "2024-12-06T00:00:00Z"),
        ("6 maj 2025", "2025-05-06T00:00:00Z"),
        ("6. tammikuuta 2025", "2025-01-06T00:00:00Z"),
        ("6. března 2025", "2025-03-06T00:00:00Z"),
        ("2025. január 6.", "2025-01-06T00:00:00Z"),
        ("6 ianuarie 2025", "2025-01-06T00:00:00Z"),
        ("6 de gener de 2025", "2025-01-06T00:00:00Z"),
        ("6 января 2025", "2025-01-06T00:00:00Z"),
        ("6 Οκτωβρίου 2025", "2025-10-06T00:00:00Z"),
        ("6 października 2025", "2025-10-06T00:00:00Z"),
        ("6 settembre 2025", "2025-09-06T00:00:00Z"),
        // Unambiguous numeric dates
        ("13/6/2025", "2025-06-13T00:00:00Z"),
        ("6/13/2025", "2025-06-13T00:00:00Z"),
        ("6/6/2025", "2025-06-06T00:00:00Z"),
        ("06.01.2025", "2025-01-06T00:00:00Z"),
    ])
    func parses(_ input: String, _ expected: String) {
        #expect(DateParser.parse(input)?.rfc3339 == expected, "\(input)")
    }

    @Test(arguments: ["1/6/2025", "01/06/2025", "6-1-2025", "1/6/25", "Posted 3/4/2024 at 10:00"])
    func ambiguousNumericDatesStayUnknown(_ input: String) {
        #expect(DateParser.parse(input) == nil, "\(input)")
    }

    @Test(arguments: ["Posted at 10:30, 14 replies", "Pro tips for the road", "Jan 6 at 10:30, 14 replies"])
    func wordsAndCountsAreNotDates(_ input: String) {
        #expect(DateParser.parse(input) == nil, "\(input)")
    }
}
