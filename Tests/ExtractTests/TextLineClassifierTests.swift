import Foundation
import Testing
@testable import Extract

@Suite struct TextLineClassifierTests {
    static func kind(_ line: String) -> LineKind { LineClassifier.classify(LineFeatures(line)) }

    @Test(arguments: ["Don't Miss", "Don’t Miss", "Latest from -Top News", "More from Reuters", "Trending Now", "You may also like",
                      "Previous Story", "Next Story", "Related Articles", "Mehr zum Thema", "Sur le même sujet"])
    func teaserOpeners(_ line: String) {
        #expect(Self.kind(line) == .opener(.teasers))
    }

    @Test(arguments: ["Leave a Reply", "12 Comments", "Comments (3)", "Join the conversation", "Kommentare", "###"])
    func commentOpenersRunToTheEnd(_ line: String) {
        #expect(Self.kind(line) == .opener(.toEnd))
    }

    @Test(arguments: [
        "SOURCE: www.voanews.com", "RELATED: Blinken warns Russia is close to sharing advanced satellite technology with North Korea",
        "ALSO READ-Biden Calls for Open Communication in Talks with Xi on Global Issues", "READ FULL ARTICLE", "2 min read",
        "Sponsor: QWIKET: Elevate your fantasy game! Interactive Sports Knowledge and Reasoning Support for Fantasy Sports and Betting Enthusiasts.",
        "https://www.facebook.com/", "CLICK HERE TO READ MORE FROM THE WASHINGTON EXAMINER", "Be the first to comment",
        "Your email address will not be published. Required fields are marked *", "Join the mailing list",
        "US Secretary of State Antony Blinken attends the joint press conference on January 6, 2025 in Seoul, South Korea. Chung Sung-Jun/Getty Images",
        "Photo: Reuters", "Credit: Jane Doe", "© 2024 Example Media", "Facebook Twitter LinkedIn Email", "Go toTop", "0",
        "Lesezeit: 3 Min.", "Temps de lecture : 4 min", "Abonnez-vous à notre newsletter",
    ])
    func boilerplateLines(_ line: String) {
        #expect(Self.kind(line) == .boilerplate)
    }

    @Test(arguments: [
        "The bill's main sponsor, Senator Laura Kent, said the measure closes loopholes that allowed chipmakers to ship modified processors.",
        "Readers left hundreds of comments under our first report, and the sponsor of the bill answered many of them.",
        "Subscribers to the operator's newsletter will get early access to tickets from March, the company said.",
        "Source: the figures come from the ministry's annual report, which was published on Monday morning.",
        "The service runs 24/7 during the summer holidays, when demand for sleeper cabins is highest, the operator said.",
    ])
    func bodySentencesMentioningBoilerplateWordsAreProse(_ line: String) {
        #expect(Self.kind(line) == .prose)
    }

    @Test(arguments: ["Sun. Jan 26th, 2020", "VOICE OF AMERICA | Published January 6, 2025", "CNN | Published January 6, 2025",
                      "06:46 18.01.2019(updated 07:21 18.01.2019)", "Jun 2, 2025  |", "November 11, 2023"])
    func dateLines(_ line: String) {
        #expect(Self.kind(line) == .date)
    }

    @Test(arguments: ["Elections 2024: Voters head to the polls on March 5 across the country",
                      "China gets RUSSIA missile technology, as North Korea talks failed", "What went wrong"])
    func headlinesAreHeadings(_ line: String) {
        #expect(Self.kind(line) == .heading)
    }

    @Test func bylines() {
        #expect(Self.kind("By Jane Holloway and Marcus Webb") == .byline)
        #expect(LineClassifier.author(fromByline: "By Jane Holloway | Reuters") == "Jane Holloway")
        #expect(Self.kind("By the third day it was doubling again within six hours, and the bread was the best loaf this year.") == .prose)
    }

    @Test func junkPrefixOnlyWhenGlued() {
        #expect(TitleFinder.stripJunkPrefix("NextImg:Russia intends to share advanced space tech") == "Russia intends to share advanced space tech")
        #expect(TitleFinder.stripJunkPrefix("Analysis: Russia intends to share advanced space tech") == "Analysis: Russia intends to share advanced space tech")
        #expect(TitleFinder.stripJunkPrefix("Grève SNCF : le trafic fortement perturbé") == "Grève SNCF : le trafic fortement perturbé")
    }
}
