import Foundation
import WinnowCore

/// What a line of a clipping is, judged from the line alone.
enum LineKind: Equatable {
    /// Running text.
    case prose
    /// A short line that is not a sentence: a headline, subheading, teaser headline or site name.
    case heading
    /// A date line ("Sun. Jan 26th, 2020", "CNN | Published January 6, 2025").
    case date
    /// "By Jane Doe" and the like.
    case byline
    /// Opens a run of teasers or comments.
    case opener(BlockOpeners.Kind)
    /// Known boilerplate: sponsor, ad, share, subscribe, credit, source and read-more lines,
    /// bare URLs, tiny fragments.
    case boilerplate
}

enum LineClassifier {
    static func classify(_ line: LineFeatures) -> LineKind {
        if line.isURLOnly { return .boilerplate }
        if let kind = BlockOpeners.match(line) { return .opener(kind) }
        if isLabelled(line) || isPhotoCredit(line) { return .boilerplate }
        if isDateLine(line) { return .date }
        if isByline(line) { return .byline }
        if hasBoilerplatePhrase(line) || isShareBar(line) { return .boilerplate }
        // "0", "back", "| Remer,MN", "Go toTop": bits of navigation and widgets.
        if line.wordCount <= 2, !line.endsSentence { return .boilerplate }
        if !line.text.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) { return .boilerplate }
        return line.isProse || line.isSentence ? .prose : .heading
    }

    // MARK: Phrases

    /// Sponsor, ad, subscribe, comment, share and cookie phrases. Only lines that are short
    /// or not shaped like a sentence count: body text that merely mentions a sponsor stays.
    static func hasBoilerplatePhrase(_ line: LineFeatures) -> Bool {
        if line.wordCount > 40 { return false }
        let bytes = Array(line.lower.utf8)
        if PhraseMatcher.sentencePhrases.matches(bytes) { return true }
        // Scripts without spaces: phrases may sit anywhere in the line (bounded: ≤ 40 words here).
        if bytes.count <= 600, PhraseMatcher.scriptSentencePhrases.occurs(in: bytes) { return true }
        if line.wordCount >= 10, line.isSentence { return false }
        if line.wordCount <= 8, bytes.count <= 160, PhraseMatcher.scriptLinePhrases.occurs(in: bytes) { return true }
        return PhraseMatcher.linePhrases.matches(bytes)
    }

    /// "SOURCE: www.voanews.com", "RELATED: headline", "ALSO READ-Headline", "Photo: Agency".
    static func isLabelled(_ line: LineFeatures) -> Bool {
        guard line.wordCount <= 30, !(line.wordCount >= 10 && line.isSentence && !line.isAllCapsLabel) else { return false }
        // "▶ 관련기사: …", "[사진=연합뉴스]", "【関連記事】…": arrows and brackets before the label.
        var lower = Substring(line.lower)
        let arrowed = lower.first.map { "▶►▷■□●○◆◇→".contains($0) } ?? false
        while let c = lower.first, c == " " || "▶►▷■□●○◆◇→".contains(c) { lower = lower.dropFirst() }
        let bracketed = lower.first.map { "[【〔［(（<〈《".contains($0) } ?? false
        if bracketed { lower = lower.dropFirst() }
        for label in BoilerplateVocabulary.lineLabels where lower.hasPrefix(label) {
            let rest = lower.dropFirst(label.count).drop(while: { $0 == " " })
            guard let first = rest.first else { continue }
            let closes = bracketed && "]】〕］)）>〉》".contains(first)
            let spaced = arrowed && lower.dropFirst(label.count).first == " "
            guard closes || spaced || ":-–—|»>：=".contains(first) else { continue }
            // "Source - a sentence" is rare; "Source: X", "RELATED: Y" are pointers.
            return true
        }
        return false
    }

    // MARK: Credits

    /// "Photo: X", "Name/Getty Images", "(Photo by X/AFP via Getty Images)", "© 2024 X".
    static func isPhotoCredit(_ line: LineFeatures) -> Bool {
        guard line.wordCount <= 60 else { return false }
        let lower = line.lower
        if lower.hasPrefix("©") || lower.hasPrefix("(c) ") || lower.hasPrefix("（c）") || lower.hasPrefix("ⓒ") || (lower.hasPrefix("copyright") && line.wordCount <= 12) { return true }
        if lower.hasPrefix("photo by ") || lower.hasPrefix("(photo") || lower.hasPrefix("image by ") || lower.hasPrefix("pictured:") {
            return line.wordCount <= 20
        }
        // The line ends in "Name/Agency": a slash, then one to four capitalised words.
        guard !line.endsSentence else { return false }
        var text = Substring(line.text)
        while let last = text.last, last == ")" || last == "]" || last == " " { text = text.dropLast() }
        guard let slash = text.lastIndex(of: "/") else { return endsWithAgency(lower) && line.wordCount <= 40 }
        let after = text[text.index(after: slash)...].trimmingCharacters(in: .whitespaces)
        let before = text[..<slash]
        let afterWords = after.split(separator: " ")
        guard (1...4).contains(afterWords.count),
              afterWords.allSatisfy({ $0.first?.isUppercase == true }),
              !after.contains(where: \.isNumber),
              let lastBefore = before.split(separator: " ").last, lastBefore.first?.isUppercase == true else {
            return endsWithAgency(lower) && line.wordCount <= 40
        }
        return true
    }

    /// "… Getty Images", "… AFP via Getty Images" at the very end of a caption.
    static func endsWithAgency(_ lower: String) -> Bool {
        var text = Substring(lower)
        while let last = text.last, last == ")" || last == "]" || last == " " || last == "." { text = text.dropLast() }
        return ["getty images", "shutterstock", "via getty images", "/ap", "/afp", "/reuters", "/epa", "/dpa"].contains { text.hasSuffix($0) }
    }

    // MARK: Share bars

    /// "Share Facebook Twitter Email": every word is a share word.
    static func isShareBar(_ line: LineFeatures) -> Bool {
        guard line.wordCount <= 12 else { return false }
        let words = line.lower.split(whereSeparator: { !$0.isLetter && $0 != "-" })
        guard !words.isEmpty else { return false }
        return words.allSatisfy { BoilerplateVocabulary.shareWords.contains(String($0)) }
    }

    // MARK: Dates and bylines

    static let dateWords: Set<String> = [
        "published", "updated", "posted", "last", "modified", "on", "at", "am", "pm", "utc", "gmt", "est", "edt", "pst",
        "pdt", "cet", "cest", "bst", "st", "nd", "rd", "th", "of", "the", "veröffentlicht", "aktualisiert", "um", "uhr",
        "stand", "publié", "mis", "à", "jour", "le", "h", "publicado", "actualizado", "el", "de", "del", "pubblicato",
        "alle", "ore", "min", "read", "ago", "hours", "hour", "minutes", "and",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
    ]

    /// A short line that parses as a date and has few other words (a source or author name).
    static func isDateLine(_ line: LineFeatures) -> Bool {
        guard line.wordCount <= 14, !(line.isSentence && line.wordCount >= 8) else { return false }
        if isRelativeTime(line) { return true }
        if line.wordCount <= 12, ideographicDate(line.text) != nil { return true }
        // DateParser takes nothing of 400 bytes or more: no need to scan such a line for digits.
        guard line.text.utf8.count < 400, line.text.contains(where: \.isNumber), DateParser.parse(westernDigits(line.text)) != nil else { return false }
        let words = line.lower.split(whereSeparator: { !$0.isLetter })
        let other = words.filter { word in
            let w = String(word)
            return !dateWords.contains(w) && DateParser.monthNames[w] == nil && !(w.count <= 4 && DateParser.monthNames[String(w.prefix(3))] != nil)
        }
        return other.count <= 4
    }

    /// `text` with Arabic-Indic, Persian and full-width digits as ASCII ones (the date parser reads ASCII digits).
    static func westernDigits(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { (0x660...0x669).contains($0.value) || (0x6F0...0x6F9).contains($0.value) || (0xFF10...0xFF19).contains($0.value) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let base: UInt32? = (0x660...0x669).contains(v) ? 0x660 : (0x6F0...0x6F9).contains(v) ? 0x6F0 : (0xFF10...0xFF19).contains(v) ? 0xFF10 : nil
            out.append(base.map { Unicode.Scalar(0x30 + v - $0)! } ?? scalar)
        }
        return String(out)
    }

    /// "2024年3月9日", "2024년 3월 9일" (year, month and day marked by their ideographs),
    /// as "yyyy-mm-dd".
    static func ideographicDate(_ text: String) -> String? {
        guard text.utf8.count < 400 else { return nil }
        let markers: [[Character]] = [["年", "月", "日"], ["년", "월", "일"]]
        var numbers: [Int] = []
        var digits = ""
        var expected: [Character]?
        for c in text {
            if let d = c.wholeNumberValue, c.isASCII || ("０"..."９").contains(c) { digits.append(String(d)); continue }
            if c == " " && digits.isEmpty { continue }
            defer { digits = "" }
            guard !digits.isEmpty, let n = Int(digits) else { if !numbers.isEmpty { numbers = []; expected = nil }; continue }
            let set = expected ?? markers.first { $0[0] == c }
            guard let set, set[numbers.count] == c else { numbers = []; expected = nil; continue }
            expected = set
            numbers.append(n)
            if numbers.count == 3 {
                let (y, m, d) = (numbers[0], numbers[1], numbers[2])
                guard (1900...2200).contains(y), (1...12).contains(m), (1...31).contains(d) else { return nil }
                return String(format: "%04d-%02d-%02d", y, m, d)
            }
        }
        return nil
    }

    static let relativeWords: Set<String> = ["ago", "yesterday", "today", "day", "days", "week", "weeks", "month", "months",
                                             "hours", "hour", "minutes", "minute", "mins", "hrs", "hr", "seconds", "just", "now"]

    /// "Updated 3 hours ago", "Published 2 days ago", "vor 3 Stunden" is left to the date parser.
    static func isRelativeTime(_ line: LineFeatures) -> Bool {
        guard line.wordCount <= 8 else { return false }
        let words = line.lower.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        guard words.contains(where: { $0 == "ago" || $0 == "yesterday" || $0 == "now" }) else { return false }
        return words.allSatisfy { w in w.allSatisfy(\.isNumber) || dateWords.contains(String(w)) || relativeWords.contains(String(w)) }
    }

    static let bylinePrefixes = ["by ", "posted by ", "written by ", "words by ", "von ", "par ", "por ", "di ", "door ",
                                 "автор: ", "автор ", "текст: ", "بقلم ", "بقلم: ", "מאת ", "מאת: ", "記者：", "记者："]

    /// "By Jane Doe", "Posted by admin | March 3, 2024".
    static func isByline(_ line: LineFeatures) -> Bool {
        guard line.wordCount <= 10, !line.isSentence else { return false }
        // "홍길동 기자", "山田太郎記者": the name before the reporter's title.
        if line.wordCount <= 4, ["기자", "記者", "记者", "特派員"].contains(where: { line.text.hasSuffix($0) }) { return true }
        guard let prefix = bylinePrefixes.first(where: { line.lower.hasPrefix($0) }) else { return false }
        let name = line.text.dropFirst(prefix.count)
        guard let first = name.first else { return false }
        // Names in scripts without case start with any letter.
        return first.isUppercase || (first.isLetter && !first.isLowercase && !first.isUppercase)
    }

    /// The author named in a byline, without the "By" and anything after a separator.
    static func author(fromByline text: String) -> String? {
        let lower = text.lowercased()
        guard let prefix = bylinePrefixes.first(where: { lower.hasPrefix($0) }) else { return nil }
        let rest = text.dropFirst(prefix.count)
        let name = rest.split(whereSeparator: { "|•·,–—".contains($0) }).first.map { $0.trimmingCharacters(in: .whitespaces) }
        return name?.isEmpty == false ? name : nil
    }
}

extension LineFeatures {
    /// "RELATED: …", "SOURCE: …" in capitals: the label makes it a pointer even when the
    /// rest reads like a sentence.
    var isAllCapsLabel: Bool {
        guard let colon = text.firstIndex(where: { ":-–—".contains($0) }) else { return false }
        let label = text[..<colon]
        return label.count >= 3 && label.allSatisfy { $0.isUppercase || $0 == " " }
    }
}
