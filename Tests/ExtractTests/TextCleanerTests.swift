import Foundation
import Testing
import WinnowCore
@testable import Extract

/// Expectations for the clippings in Fixtures/text (same shape as seeds/expected.json).
struct TextFixtureExpectations: Decodable {
    struct Document: Decodable {
        /// Language of a clipping whose `with` lines are its whole body (scored for F1).
        var script: String?
        var title: String?
        var published: String?
        var author: String?
        var with: [String]
        var without: [String]
    }
    var documents: [String: Document]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/text")

    static func load() throws -> TextFixtureExpectations {
        try JSONDecoder().decode(TextFixtureExpectations.self, from: Data(contentsOf: directory.appendingPathComponent("expected.json")))
    }

    static let names: [String] = ((try? load())?.documents.keys.sorted()) ?? []
}

func foldWhitespace(_ s: String) -> String { s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }

@Suite struct TextCleanerFixtureTests {
    @Test func everyFixtureHasExpectations() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: TextFixtureExpectations.directory.path).filter { $0.hasSuffix(".txt") }
        #expect(files.count >= 5)
        #expect(Set(files) == Set(TextFixtureExpectations.names))
    }

    @Test(arguments: TextFixtureExpectations.names)
    func fixture(_ name: String) throws {
        let expected = try #require(try TextFixtureExpectations.load().documents[name])
        let text = try String(contentsOf: TextFixtureExpectations.directory.appendingPathComponent(name), encoding: .utf8)
        let document = TextCleaner.clean(text)
        if let title = expected.title { #expect(document.title == title) }
        if let published = expected.published { #expect(document.published?.utcDay == published) }
        if let author = expected.author { #expect(document.author == author) }
        let body = foldWhitespace(document.text)
        for line in expected.with { #expect(body.contains(foldWhitespace(line)), "missing: \(line)") }
        for junk in expected.without { #expect(!document.text.contains(junk), "kept: \(junk)") }
    }
}

@Suite struct TextCleanerTests {
    static let body = """
        The regional parliament voted on Thursday to extend the night train service to three more cities from next spring.

        Officials said the extension would cost about forty million euros over five years, paid from the transport budget.
        """

    @Test func sentencesMentioningCommentsOrSponsorsStay() {
        let text = """
            Night trains return to the north

            The regional parliament voted on Thursday to extend the night train service to three more cities from next spring.

            Readers left hundreds of comments under our first report, and the main sponsor of the bill answered many of them.

            Subscribers to the operator's newsletter will get early access to tickets from March, the company said.

            Comments
            Anna: Finally! I have waited years for this and will definitely book the first train.
            """
        let document = TextCleaner.clean(text)
        #expect(document.title == "Night trains return to the north")
        #expect(document.paragraphs.contains { $0.hasPrefix("Readers left hundreds of comments") })
        #expect(document.paragraphs.contains { $0.hasPrefix("Subscribers to the operator's newsletter") })
        #expect(!document.text.contains("Anna:"))
        #expect(!document.paragraphs.contains("Comments"))
    }

    @Test func shortSponsorAndSubscribeLinesGo() {
        let text = "Night trains return to the north\n\n" + Self.body + """

            Sponsored by Rail Holidays Ltd
            Subscribe to our newsletter
            Advertisement

            The first trains on the new routes are expected to run in April, weeks earlier than planned.
            """
        let document = TextCleaner.clean(text)
        #expect(!document.text.contains("Sponsored by"))
        #expect(!document.text.contains("Subscribe"))
        #expect(!document.text.contains("Advertisement"))
        #expect(document.paragraphs.last == "The first trains on the new routes are expected to run in April, weeks earlier than planned.")
    }

    @Test func titleRepeatedInTheHeaderIsKeptOnceAndNotInTheBody() {
        let title = "Night trains return to the north"
        let document = TextCleaner.clean([title, "3 min read", title, title, Self.body].joined(separator: "\n\n"))
        #expect(document.title == title)
        #expect(document.paragraphs.count == 2)
        #expect(!document.text.contains(title))
        #expect(!document.text.contains("min read"))
    }

    @Test func junkGluedToTheHeadlineIsStripped() {
        let document = TextCleaner.clean("DAILY WIRE NEWS\nhttps://www.example.com/\n\nNextImg:Night trains return to the north\n\n" + Self.body)
        #expect(document.title == "Night trains return to the north")
        #expect(!document.text.contains("example.com"))
        #expect(!document.text.contains("DAILY WIRE"))
    }

    @Test(arguments: [
        ("Sun. Jan 26th, 2020", "2020-01-26T00:00:00Z"),
        ("06:46 18.01.2019(updated 07:21 18.01.2019)", "2019-01-18T06:46:00Z"),
        ("January 6, 2025", "2025-01-06T00:00:00Z"),
        ("November 11, 2023", "2023-11-11T00:00:00Z"),
        ("VOICE OF AMERICA | Published January 6, 2025", "2025-01-06T00:00:00Z"),
        ("Jun 2, 2025  |  ", "2025-06-02T00:00:00Z"),
        ("2024-05-12T09:30:00+02:00", "2024-05-12T07:30:00Z"),
        ("Posted on September 14, 2023 by Marta", "2023-09-14T00:00:00Z"),
        ("12.03.2024, 14:30 Uhr", "2024-03-12T14:30:00Z"),
        ("Publié le 5 mars 2024 à 10h15, mis à jour à 12h40", "2024-03-05T00:00:00Z"),
        ("Wed 22 May 2024 18.21 BST", "2024-05-22T17:21:00Z"),
        ("9 марта 2024, 10:30", "2024-03-09T10:30:00Z"),
        ("9 مارس 2024", "2024-03-09T00:00:00Z"),
        ("السبت ٩ مارس ٢٠٢٤", "2024-03-09T00:00:00Z"),
        ("9 במרץ 2024", "2024-03-09T00:00:00Z"),
        ("2024年3月9日 14:05", "2024-03-09T00:00:00Z"),
        ("2024년 3월 9일 오전 10:30", "2024-03-09T00:00:00Z"),
    ])
    func headerDateBecomesPublished(_ line: String, _ expected: String) {
        for text in ["Site Name Here\n\(line)\n\nNight trains return to the north\n\n" + Self.body,
                     "Night trains return to the north\n\(line)\n\n" + Self.body] {
            let document = TextCleaner.clean(text)
            #expect(document.published?.rfc3339 == expected, "\(text.prefix(80))")
            #expect(document.title == "Night trains return to the north")
            #expect(!document.text.contains(line.trimmingCharacters(in: .whitespaces)))
            #expect(document.paragraphs.count == 2)
        }
    }

    @Test func datesInsideBodySentencesAreNotThePublicationDate() {
        let text = "Night trains return to the north\n\nThe vote on the extension is scheduled for March 3, 2025, the speaker said.\n\n" + Self.body
        let document = TextCleaner.clean(text)
        #expect(document.published == nil)
        #expect(document.paragraphs.first == "The vote on the extension is scheduled for March 3, 2025, the speaker said.")
    }

    @Test func previousAndNextStoryTeasersAreDropped() {
        let text = "Night trains return to the north\n\n" + Self.body + """

            Previous Story
            Ferry operator cuts winter timetable
            Next Story
            Airport expansion delayed by court ruling
            Don't Miss
            Bus drivers vote to strike
            Unions say the pay offer is far below inflation and
            """
        let document = TextCleaner.clean(text)
        #expect(document.paragraphs.count == 2)
        for junk in ["Previous Story", "Ferry operator", "Next Story", "Airport expansion", "Don't Miss", "Bus drivers", "Unions say"] {
            #expect(!document.text.contains(junk))
        }
    }

    @Test func bodyResumesAfterARelatedBlockInTheMiddle() {
        let text = "Night trains return to the north\n\n" + Self.body + """

            Related
            Ferry operator cuts winter timetable
            Airport expansion delayed by court ruling

            Rail unions welcomed the decision but asked for more staff on board the sleeper services, citing safety concerns.

            The operator said it would hire and train sixty new attendants before the first trains leave in the spring.
            """
        let document = TextCleaner.clean(text)
        #expect(document.paragraphs.count == 4)
        #expect(!document.text.contains("Ferry operator"))
        #expect(document.paragraphs.last?.hasPrefix("The operator said it would hire") == true)
    }

    @Test func commentSectionsRunToTheEnd() {
        let text = "Night trains return to the north\n\n" + Self.body + """

            Leave a Reply
            Your email address will not be published. Required fields are marked *
            This is a thoughtful comment that is long enough and ends with a full stop like a real sentence would.
            And another comment that reads exactly like body text, with many words and a proper ending here.
            """
        let document = TextCleaner.clean(text)
        #expect(document.paragraphs.count == 2)
        #expect(!document.text.contains("comment"))
    }

    @Test func creditsSourcesAndShareLinesAreDropped() {
        let text = "Night trains return to the north\n\n" + Self.body + """

            Passengers board a night train in Vienna, Austria, on May 3, 2024. Jane Doe/Getty Images
            Photo: Max Mustermann/dpa
            (Photo by John Smith/AFP via Getty Images)
            SOURCE: www.example.org
            READ FULL ARTICLE
            RELATED: Ferry operator cuts winter timetable after fuel costs rise
            Share on Facebook
            Facebook Twitter LinkedIn Email
            https://example.org/trains

            The service runs 24/7 during the summer holidays, when demand for sleeper cabins is highest, the operator said.
            """
        let document = TextCleaner.clean(text)
        #expect(document.paragraphs.count == 3)
        for junk in ["Getty", "Photo", "dpa", "SOURCE", "READ FULL", "RELATED", "Facebook", "https://"] {
            #expect(!document.text.contains(junk), "kept \(junk)")
        }
        #expect(document.text.contains("The service runs 24/7 during the summer holidays"))
    }

    @Test func footerAfterTheLastParagraphIsDropped() {
        let text = "Night trains return to the north\n\n" + Self.body + """


            Join the mailing list

            Rail Talk podcast - Trains Near and Far: 'In our first episode we look at how sleeper trains came back to Europe and who is riding them today'
            """
        let document = TextCleaner.clean(text)
        #expect(document.paragraphs.count == 2)
        #expect(!document.text.contains("podcast"))
    }

    @Test func hardWrappedParagraphsAreJoined() {
        let text = """
            Night trains return to the north

            The regional parliament voted on Thursday to extend the night train
            service to three more cities from next spring, after a debate that
            lasted most of the afternoon and ended with a large majority.

            Officials said the extension would cost about forty million euros over
            five years, paid from the transport budget rather than new borrowing,
            and that tickets would go on sale in the autumn.
            """
        let document = TextCleaner.clean(text)
        #expect(document.title == "Night trains return to the north")
        #expect(document.paragraphs.count == 2)
        #expect(document.paragraphs.first?.hasSuffix("the night train service to three more cities from next spring, after a debate that lasted most of the afternoon and ended with a large majority.") == true)
    }

    @Test func shortSentencesAndListsInsideTheBodyStay() {
        let text = """
            Night trains return to the north

            The regional parliament voted on Thursday to extend the night train service to three more cities from next spring.

            It was close.

            Officials said the extension would cost about forty million euros over five years, paid from the transport budget.

            The new routes are:
            - Hamburg to Stockholm via Copenhagen
            - Berlin to Oslo via Malmö
            1. Munich to Narvik in summer only

            Tickets go on sale in the autumn, and the operator expects the first trains to be fully booked within days.
            Sign up for our weekly travel briefing
            Travel news
            """
        let document = TextCleaner.clean(text)
        #expect(document.paragraphs == [
            "The regional parliament voted on Thursday to extend the night train service to three more cities from next spring.",
            "It was close.",
            "Officials said the extension would cost about forty million euros over five years, paid from the transport budget.",
            "The new routes are:",
            "- Hamburg to Stockholm via Copenhagen",
            "- Berlin to Oslo via Malmö",
            "1. Munich to Narvik in summer only",
            "Tickets go on sale in the autumn, and the operator expects the first trains to be fully booked within days.",
        ])
    }

    @Test func shortParagraphStyleKeepsItsLastParagraphs() {
        let text = """
            Night trains return to the north

            The regional parliament voted on Thursday to extend the night train service to three more cities.

            The vote was close.

            Officials cheered as the result was announced.

            Tickets will go on sale in the autumn.
            Follow us on Instagram
            """
        let document = TextCleaner.clean(text)
        #expect(document.paragraphs.count == 4)
        #expect(document.paragraphs.last == "Tickets will go on sale in the autumn.")
        #expect(!document.text.contains("Instagram"))
    }

    @Test func sloganAboveTheHeadlineIsNotBody() {
        let text = "The Harbour Courier\nIndependent local journalism for the harbour towns since 1921, every day of the week.\n\nNight trains return to the north\n\n" + Self.body
        let document = TextCleaner.clean(text)
        #expect(document.title == "Night trains return to the north")
        #expect(document.paragraphs.count == 2)
        #expect(!document.text.contains("Independent local journalism"))
    }

    @Test func oneLineParagraphsWithoutBlankLinesAreNotJoined() {
        let text = """
            Night trains return to the north
            The regional parliament voted on Thursday to extend the night train service.
            Officials said the extension would cost about forty million euros in total.
            The first trains on the new routes are expected to run in April next year.
            Rail unions welcomed the decision but asked for more staff on the trains.
            """
        let document = TextCleaner.clean(text)
        #expect(document.title == "Night trains return to the north")
        #expect(document.paragraphs.count == 4)
    }

    @Test func pastedArticlesKeepBothBodies() throws {
        let text = try String(contentsOfFile: TestPaths.repositoryRoot + "/seeds/002_72365124378c0152.txt", encoding: .utf8)
        let document = TextCleaner.clean(text)
        #expect(document.published?.utcDay == "2025-01-06")
        #expect(document.paragraphs.contains { $0.hasPrefix("U.S. Secretary of State Antony Blinken said Monday") })
        #expect(document.paragraphs.contains { $0.hasPrefix("(CNN) — Russia may be close") })
        #expect(!document.text.contains("CNN | Published"))
    }
}

enum TestPaths {
    /// The package root, from this file's location.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

/// Issue 13: boilerplate inside clipping bodies and titles taken from boilerplate.
@Suite struct TextCleanerBoilerplateInBodyTests {

    @Test func boilerplateLinesInsideTheBodyDoNotEndIt() throws {
        let text = try String(contentsOf: TextFixtureExpectations.directory.appendingPathComponent("local_openers_in_body.txt"), encoding: .utf8)
        let document = TextCleaner.clean(text)
        #expect(document.paragraphs.count == 6)
        #expect(document.paragraphs.last == "The council will publish the full plans next month.")
        #expect(!document.text.contains("Island school"))
    }

    @Test func titleIsNeverATimestampOrNavigationBar() throws {
        let text = try String(contentsOf: TextFixtureExpectations.directory.appendingPathComponent("local_updated_no_headline.txt"), encoding: .utf8)
        let document = TextCleaner.clean(text)
        #expect(document.title == nil)
        #expect(document.paragraphs.count == 3)
        let withHeadline = "Home | World | Politics | Business\nCoastal line reopens after storm repairs\nUpdated 3 hours ago\n" + TextCleanerTests.body
        #expect(TextCleaner.clean(withHeadline).title == "Coastal line reopens after storm repairs")
    }
}
