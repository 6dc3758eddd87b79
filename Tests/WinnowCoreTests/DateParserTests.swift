import Foundation
import Testing
@testable import WinnowCore

@Suite struct DateParserTests {
    @Test(arguments: [
        ("2025-01-06", "2025-01-06T00:00:00Z"),
        ("2025-01-06T10:20:30+02:00", "2025-01-06T08:20:30Z"),
        ("2025-01-06T10:20:30.123Z", "2025-01-06T10:20:30Z"),
        ("Sun, 26 Jan 2020 10:00:00 +0000", "2020-01-26T10:00:00Z"),
        ("Sun, 26 Jan 2020 10:00:00 GMT", "2020-01-26T10:00:00Z"),
        ("Sun. Jan 26th, 2020", "2020-01-26T00:00:00Z"),
        ("January 6, 2025", "2025-01-06T00:00:00Z"),
        ("Published January 6, 2025", "2025-01-06T00:00:00Z"),
        ("November 11, 2023", "2023-11-11T00:00:00Z"),
        ("06:46 18.01.2019", "2019-01-18T06:46:00Z"),
        ("26 janvier 2020", "2020-01-26T00:00:00Z"),
        ("Jun 2, 2025", "2025-06-02T00:00:00Z"),
    ])
    func parses(_ input: String, _ expected: String) {
        #expect(DateParser.parse(input)?.rfc3339 == expected)
    }

    @Test(arguments: ["", "hello world", "2025-13-45", "February 30, 2024"])
    func rejects(_ input: String) {
        #expect(DateParser.parse(input) == nil)
    }

    /// Fields are zero-padded as `%04d`/`%02d` print them, a year past 9999 in full.
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00Z", "1970-01-01"),
        (-62_135_596_800, "0001-01-01T00:00:00Z", "0001-01-01"),
        (1_736_124_245.9, "2025-01-06T00:44:05Z", "2025-01-06"),
        (253_402_300_800, "10000-01-01T00:00:00Z", "10000-01-01"),
    ])
    func formats(_ seconds: Double, _ instant: String, _ day: String) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(date.rfc3339 == instant)
        #expect(date.utcDay == day)
    }
}
