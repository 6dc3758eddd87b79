import Testing
import WinnowCore

@Suite struct FileNamesTests {
    @Test func longNamesAreCutWithAHashAndKeepTheirExtension() {
        let long = String(repeating: "é", count: 130) + ".pdf"  // 264 bytes
        let fitted = FileNames.fit(long)
        #expect(fitted.utf8.count <= 255)
        #expect(fitted.hasSuffix(".pdf"))
        #expect(fitted.hasPrefix("éé"))
        #expect(FileNames.fit(String(repeating: "é", count: 131) + ".pdf") != fitted)  // the hash keeps them apart
        #expect(FileNames.fit("short.txt") == "short.txt")
    }

    @Test func errorFileNameFitsBesideALongName() {
        let name = String(repeating: "n", count: 250) + ".pdf"
        let path = FileNames.errorFile(for: "/inbox/failed/" + name)
        #expect(path.hasPrefix("/inbox/failed/nnnn"))
        #expect(path.hasSuffix(".pdf.error.txt"))
        #expect(path.split(separator: "/").last!.utf8.count <= 255)
        #expect(FileNames.errorFile(for: "/inbox/failed/a.txt") == "/inbox/failed/a.txt.error.txt")
    }
}
