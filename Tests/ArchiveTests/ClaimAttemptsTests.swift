import Foundation
import Testing
import WinnowTestSupport
@testable import Archive

@Suite struct ClaimAttemptsTests {
    /// An index made before attempts were counted gets the column, and counting works.
    @Test func existingIndexGainsTheAttemptsColumn() throws {
        let dir = TemporaryDirectory()
        do {
            let old = try SQLiteDatabase(path: dir.path + "/index.sqlite")
            try old.execute("""
                CREATE TABLE claims(origin TEXT NOT NULL, input_hash TEXT NOT NULL, claimed TEXT NOT NULL, PRIMARY KEY(origin, input_hash));
                INSERT INTO claims VALUES('left.txt', 'h0', '2026-01-01T00:00:00Z');
                """)
        }
        let index = try ArchiveIndex(stateDirectory: dir.path)
        #expect(try index.claimAttempt(origin: "left.txt", inputHash: "h0") == 2)  // the old claim was attempt 1
        #expect(try index.claimAttempt(origin: "a.txt", inputHash: "h1") == 1)
        #expect(try index.claimAttempt(origin: "a.txt", inputHash: "h1") == 2)
        try index.releaseClaim(origin: "a.txt", inputHash: "h1")
        #expect(try index.claimAttempt(origin: "a.txt", inputHash: "h1") == 1)
        _ = try ArchiveIndex(stateDirectory: dir.path)  // opening again leaves the column alone
    }
}
