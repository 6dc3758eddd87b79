import Foundation
import Testing
@testable import Extract

@Suite struct TextRecurringLinesTests {
    static func clipping(_ title: String, _ sentence: String) -> String {
        """
        The Harbour Courier
        Keeping the coast informed
        \(title)

        \(sentence) The council said more details would follow after the summer recess.

        The Harbour Courier is funded by its readers and has reported on the coast every day since 1921.
        """
    }

    @Test func linesSeenInEnoughClippingsOfASourceAreDropped() {
        var recurring = RecurringLines(minDocuments: 3)
        recurring.learn(Self.clipping("Harbour wall repairs to start in May", "Repairs to the harbour wall will begin in May."))
        recurring.learn(Self.clipping("New ferry timetable for the islands", "A new ferry timetable takes effect next week."))
        let text = Self.clipping("Beach car park fees to double", "Parking at the main beach will cost twice as much from June.")
        // Two earlier clippings are not enough.
        #expect(TextCleaner.clean(text, recurring: recurring).text.contains("is funded by its readers"))
        recurring.learn(Self.clipping("Lifeboat crew rescues two kayakers", "Two kayakers were rescued off the point on Sunday."))
        #expect(recurring.documentCount == 3)
        #expect(recurring.isRecurring("The Harbour Courier is funded by its readers and has reported on the coast every day since 1921."))
        let document = TextCleaner.clean(text, recurring: recurring)
        #expect(!document.text.contains("is funded by its readers"))
        #expect(document.title == "Beach car park fees to double")
        // The article's own sentences stay.
        #expect(document.paragraphs == ["Parking at the main beach will cost twice as much from June. The council said more details would follow after the summer recess."])
    }

    @Test func withoutLearningNothingChanges() {
        let text = Self.clipping("Beach car park fees to double", "Parking at the main beach will cost twice as much from June.")
        #expect(TextCleaner.clean(text, recurring: RecurringLines()) == TextCleaner.clean(text))
    }
}
