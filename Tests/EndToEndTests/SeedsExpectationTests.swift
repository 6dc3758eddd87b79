import Foundation
import Testing
import WinnowTestSupport

/// Runs `winnow extract --json` on the seed clippings and checks each against its own copy
/// of seeds/expected.json (Fixtures/seeds-expected.json): title, published day, body lines
/// that must be kept and boilerplate that must be gone.
@Suite struct SeedsExpectationTests {
    struct Expectations: Decodable {
        struct Document: Decodable {
            var title: String?
            var published: String?
            var with: [String]
            var without: [String]
        }
        var documents: [String: Document]
    }

    static let expectationsPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/seeds-expected.json").path

    static func load() throws -> Expectations {
        try JSONDecoder().decode(Expectations.self, from: Data(contentsOf: URL(fileURLWithPath: expectationsPath)))
    }

    static func fold(_ s: String) -> String { s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    @Test func extractMeetsEverySeedExpectation() throws {
        let expectations = try Self.load()
        let names = expectations.documents.keys.sorted()
        #expect(names.count == 5)
        let paths = names.map { TestWorkspace.repositoryRoot + "/seeds/" + $0 }
        for path in paths { #expect(FileManager.default.fileExists(atPath: path), "no seed \(path)") }
        let out = try WinnowBinary.run(["extract", "--json"] + paths)
        #expect(out.status == 0, "\(out.stderr)")
        let results = out.lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(results.count == names.count)
        for (name, result) in zip(names, results) {
            let expected = try #require(expectations.documents[name])
            #expect((result["file"] as? String)?.hasSuffix(name) == true)
            #expect(result["error"] == nil, "\(name): \(result["error"] ?? "")")
            let text = result["text"] as? String ?? ""
            if let title = expected.title {
                #expect(result["title"] as? String == title, "\(name): title")
            }
            if let day = expected.published {
                #expect((result["published"] as? String)?.hasPrefix(day) == true, "\(name): published \(result["published"] ?? "none")")
            }
            let body = Self.fold(text)
            for line in expected.with {
                #expect(body.contains(Self.fold(line)), "\(name): missing \(line)")
            }
            for junk in expected.without {
                #expect(!text.contains(junk), "\(name): kept \(junk)")
            }
        }
    }

    @Test func extractReadsFileListsLikeArguments() throws {
        let names = try Self.load().documents.keys.sorted()
        let paths = names.map { TestWorkspace.repositoryRoot + "/seeds/" + $0 }
        let scratch = TemporaryDirectory()
        let list = scratch.write("list.txt", paths.joined(separator: "\n") + "\n")
        let fromArguments = try WinnowBinary.run(["extract", "--json"] + paths)
        let fromList = try WinnowBinary.run(["extract", "--json", "--files-from", list])
        #expect(fromList.status == 0, "\(fromList.stderr)")
        #expect(fromList.lines.count == names.count)
        #expect(fromList.stdout == fromArguments.stdout)

        let missing = try WinnowBinary.run(["extract", "--files-from", scratch.path + "/absent.txt"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("absent.txt"))
    }
}
