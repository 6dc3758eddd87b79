import Foundation

/// Parses the date formats found in feeds, page metadata and text clippings:
/// RFC 3339/ISO 8601, RFC 822 (with the usual mistakes), `January 6, 2025`,
/// `Sun. Jan 26th, 2020`, `06:46 18.01.2019`, `26 janvier 2020` and similar; W3C partial
/// dates (`2003`, `2003-12`), ISO basic format (`20250106T100000Z`), RFC 822 two-digit years
/// and US zone names. Dates without a zone are taken as UTC. A numeric date that reads
/// both ways (`1/6/2025`) is never guessed: it parses as nil.
public enum DateParser {
    /// Parses a string that is (mostly) a date.
    public static func parse(_ raw: String) -> Date? {
        guard raw.utf8.count < 400 else { return nil }
        let text = raw.trimmedWhitespace()
        guard !text.isEmpty, text.utf8.count < 200 else { return nil }
        if let iso = parseISO(text) { return iso }
        return parseLoose(text)
    }

    // MARK: ISO 8601 / RFC 3339

    static func parseISO(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var v = 0
            for i in at..<(at + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        // W3C partial dates: `2003`, `2003-12`.
        if b.count == 4, let y = digits(0, 4) { return make(year: y, month: 1, day: 1) }
        if b.count == 7, let y = digits(0, 4), b[4] == 45, let m = digits(5, 2) { return make(year: y, month: m, day: 1) }
        guard let year = digits(0, 4), b.count >= 10, b[4] == 45, let month = digits(5, 2), b[7] == 45, let day = digits(8, 2) else {
            // Compact 20200126, and ISO basic format 20250106T100000Z / 20250106T1000+0100.
            guard b.count >= 8, let y = digits(0, 4), let m = digits(4, 2), let d = digits(6, 2) else { return nil }
            if b.count == 8 { return make(year: y, month: m, day: d) }
            guard b[8] == 84 || b[8] == 116, let h = digits(9, 2), let mi = digits(11, 2) else { return nil }
            var i = 13
            var sec = 0
            if let s = digits(13, 2) { sec = s; i = 15 }
            var offset = 0
            if i < b.count, b[i] == 90 || b[i] == 122 { i += 1 } else if i < b.count, b[i] == 43 || b[i] == 45, let oh = digits(i + 1, 2) {
                let om = digits(i + 3, 2) ?? (i + 3 < b.count && b[i + 3] == 58 ? digits(i + 4, 2) ?? 0 : 0)
                offset = (b[i] == 45 ? -1 : 1) * (oh * 3600 + om * 60)
                i = b.count
            }
            guard i == b.count else { return nil }
            return make(year: y, month: m, day: d, hour: h, minute: mi, second: sec, offset: offset)
        }
        var hour = 0, minute = 0, second = 0, offset = 0
        var i = 10
        if i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32, let h = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let m = digits(i + 4, 2) {
            hour = h; minute = m; i += 6
            if i < b.count, b[i] == 58, let s = digits(i + 1, 2) { second = s; i += 3 }
            if i < b.count, b[i] == 46 || b[i] == 44 { i += 1; while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 } }
            while i < b.count, b[i] == 32 { i += 1 }
            if i < b.count {
                if b[i] == 90 || b[i] == 122 { i += 1 } else if b[i] == 43 || b[i] == 45, let oh = digits(i + 1, 2) {
                    let sign = b[i] == 45 ? -1 : 1
                    var om = 0
                    if i + 3 < b.count, b[i + 3] == 58, let m2 = digits(i + 4, 2) { om = m2 } else if let m2 = digits(i + 3, 2) { om = m2 }
                    offset = sign * (oh * 3600 + om * 60)
                }
            }
        } else if i < b.count, b[i] != 32, b[i] != 84 {
            return nil
        }
        return make(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
    }

    // MARK: Loose formats

    /// Month names and abbreviations in several languages, lowercase, to month number.
    public static let monthNames: [String: Int] = {
        var m: [String: Int] = [:]
        let lists: [[String]] = [
            ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"],
            ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember"],
            ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
            ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
            ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"],
            ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
            ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"],
            ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"],
        ]
        for list in lists {
            for (i, name) in list.enumerated() {
                m[name] = i + 1
                if name.count > 3 { m[String(name.prefix(3))] = m[String(name.prefix(3))] ?? i + 1 }
            }
        }
        m["sept"] = 9; m["jän"] = 1; m["mrz"] = 3; m["okt"] = 10; m["dez"] = 12
        // Full names only (their three-letter prefixes are ordinary words too often: "pro", "lis").
        let fullOnly: [[String]] = [
            // Swedish, Danish/Norwegian
            ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"],
            ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"],
            // Finnish (nominative and partitive)
            ["tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu", "heinäkuu", "elokuu", "syyskuu", "lokakuu",
             "marraskuu", "joulukuu"],
            ["tammikuuta", "helmikuuta", "maaliskuuta", "huhtikuuta", "toukokuuta", "kesäkuuta", "heinäkuuta", "elokuuta",
             "syyskuuta", "lokakuuta", "marraskuuta", "joulukuuta"],
            // Czech (genitive and nominative)
            ["ledna", "února", "března", "dubna", "května", "června", "července", "srpna", "září", "října", "listopadu", "prosince"],
            ["leden", "únor", "březen", "duben", "květen", "červen", "červenec", "srpen", "září", "říjen", "listopad", "prosinec"],
            // Hungarian, Romanian, Catalan
            ["január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember", "október",
             "november", "december"],
            ["ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie", "octombrie",
             "noiembrie", "decembrie"],
            ["gener", "febrer", "març", "abril", "maig", "juny", "juliol", "agost", "setembre", "octubre", "novembre", "desembre"],
            // Polish nominative, Russian (genitive and nominative), Ukrainian genitive, Greek genitive
            ["styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień", "wrzesień", "październik",
             "listopad", "grudzień"],
            ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"],
            ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"],
            ["січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"],
            ["ιανουαρίου", "φεβρουαρίου", "μαρτίου", "απριλίου", "μαΐου", "ιουνίου", "ιουλίου", "αυγούστου", "σεπτεμβρίου",
             "οκτωβρίου", "νοεμβρίου", "δεκεμβρίου"],
        ]
        for list in fullOnly {
            for (i, name) in list.enumerated() where m[name] == nil { m[name] = i + 1 }
        }
        // Russian (genitive, nominative, abbreviated), Arabic and Hebrew (bare and with the
        // prefix ב "in"): whole words only, no three-letter prefixes.
        let whole: [[String]] = [
            ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"],
            ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"],
            ["янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"],
            ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"],
            ["ינואר", "פברואר", "מרץ", "אפריל", "מאי", "יוני", "יולי", "אוגוסט", "ספטמבר", "אוקטובר", "נובמבר", "דצמבר"],
            ["בינואר", "בפברואר", "במרץ", "באפריל", "במאי", "ביוני", "ביולי", "באוגוסט", "בספטמבר", "באוקטובר", "בנובמבר", "בדצמבר"],
        ]
        for list in whole {
            for (i, name) in list.enumerated() where m[name] == nil { m[name] = i + 1 }
        }
        m["إبريل"] = 4; m["ابريل"] = 4; m["اكتوبر"] = 10; m["اغسطس"] = 8; m["מרס"] = 3; m["במרס"] = 3
        return m
    }()

    static let zones: [String: Int] = [
        "utc": 0, "gmt": 0, "z": 0, "ut": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
        "pst": -8, "pdt": -7, "cet": 1, "cest": 2, "bst": 1, "ist": 5, "jst": 9, "kst": 9, "aest": 10,
        "akst": -9, "akdt": -8, "hst": -10, "ast": -4, "adt": -3, "met": 1, "mest": 2, "eet": 2, "eest": 3, "wet": 0, "west": 1,
        "msk": 3,
    ]

    /// Zone names too short or too common as words to count anywhere but right after a time.
    static let zonesAfterTime: [String: Int] = ["et": -5, "ct": -6, "mt": -7, "pt": -8, "at": -4]

    private enum Token { case number(Int, digits: Int, ordinal: Bool), word(String), time(Int, Int, Int), offset(Int), numericDate(Int, Int, Int, separator: Character) }

    static func parseLoose(_ text: String) -> Date? {
        var tokens: [Token] = []
        let scalars = Array(text.lowercased().unicodeScalars)
        var i = 0
        func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }
        while i < scalars.count {
            let s = scalars[i]
            if isDigit(s) {
                var j = i
                var v = 0
                while j < scalars.count, isDigit(scalars[j]) { v = v * 10 + Int(scalars[j].value - 48); j += 1 }
                let count = j - i
                // hh:mm(:ss)
                if j < scalars.count, scalars[j] == ":", count <= 2 {
                    var k = j + 1, m = 0, mc = 0
                    while k < scalars.count, isDigit(scalars[k]) { m = m * 10 + Int(scalars[k].value - 48); k += 1; mc += 1 }
                    var sec = 0
                    if mc == 2, k < scalars.count, scalars[k] == ":" {
                        var k2 = k + 1, sc = 0, sv = 0
                        while k2 < scalars.count, isDigit(scalars[k2]) { sv = sv * 10 + Int(scalars[k2].value - 48); k2 += 1; sc += 1 }
                        if sc == 2 { sec = sv; k = k2 }
                    }
                    if mc == 2 {
                        var hour = v
                        // am/pm
                        var look = k
                        while look < scalars.count, scalars[look] == " " { look += 1 }
                        if look + 1 < scalars.count, scalars[look + 1] == "m", scalars[look] == "p" || scalars[look] == "a" {
                            if scalars[look] == "p", hour < 12 { hour += 12 }
                            if scalars[look] == "a", hour == 12 { hour = 0 }
                            k = look + 2
                        }
                        tokens.append(.time(hour, m, sec)); i = k; continue
                    }
                }
                // d.m.yyyy, d/m/yyyy, yyyy/mm/dd
                if j < scalars.count, scalars[j] == "." || scalars[j] == "/" || scalars[j] == "-", count <= 4 {
                    let sep = Character(scalars[j])
                    var parts = [v]
                    var k = j
                    var lastCount = 0
                    while parts.count < 3, k < scalars.count, Character(scalars[k]) == sep {
                        var n = 0, c = 0, k2 = k + 1
                        while k2 < scalars.count, isDigit(scalars[k2]) { n = n * 10 + Int(scalars[k2].value - 48); k2 += 1; c += 1 }
                        guard c > 0, c <= 4 else { break }
                        parts.append(n); k = k2; lastCount = c
                    }
                    // "18.21 BST": a time written with a dot.
                    if parts.count == 2, sep == ".", count <= 2, lastCount == 2, parts[0] <= 23, parts[1] <= 59,
                       k >= scalars.count || scalars[k] == " " {
                        tokens.append(.time(parts[0], parts[1], 0)); i = k; continue
                    }
                    if parts.count == 3 {
                        tokens.append(.numericDate(parts[0], parts[1], parts[2], separator: sep)); i = k; continue
                    }
                }
                var ordinal = false
                if j + 1 < scalars.count {
                    let suffix = String(String.UnicodeScalarView(scalars[j...min(j + 1, scalars.count - 1)]))
                    if ["st", "nd", "rd", "th"].contains(suffix) { ordinal = true; j += 2 }
                }
                // "26." is a day; "18.21" (a time with a dot) is not.
                if j < scalars.count, scalars[j] == ".", count <= 2, j + 1 >= scalars.count || !isDigit(scalars[j + 1]) { ordinal = true; j += 1 }
                tokens.append(.number(v, digits: count, ordinal: ordinal))
                i = j
            } else if s == "+" || s == "-", i + 1 < scalars.count, isDigit(scalars[i + 1]), let last = tokens.last,
                      Self.offsetMayFollow(last) {
                // `+0100`, `-05:00`, and after a zone name `GMT-01:01`, `UTC+1`.
                var j = i + 1, v = 0, c = 0
                while j < scalars.count, c < 4, isDigit(scalars[j]) || scalars[j] == ":" {
                    if scalars[j] != ":" { v = v * 10 + Int(scalars[j].value - 48); c += 1 }
                    j += 1
                }
                let sign = s == "-" ? -1 : 1
                if c == 4 { tokens.append(.offset(sign * ((v / 100) * 3600 + (v % 100) * 60))) }
                else if c <= 2, v <= 14, case .word = last { tokens.append(.offset(sign * v * 3600)) }
                i = j
            } else if s.properties.isAlphabetic {
                var j = i
                while j < scalars.count, scalars[j].properties.isAlphabetic { j += 1 }
                tokens.append(.word(String(String.UnicodeScalarView(scalars[i..<j]))))
                i = j
            } else {
                i += 1
            }
        }

        var year: Int?, month: Int?, day: Int?
        var hour = 0, minute = 0, second = 0, offset = 0
        var hasTime = false
        var monthByName = false
        var ambiguous = false
        var loose: [(value: Int, digits: Int)] = []
        var previous: Token?
        for token in tokens {
            defer { previous = token }
            switch token {
            case .word(let w):
                if month == nil, let m = monthNames[w] ?? monthNames[String(w.prefix(3))], w.count >= 3 || monthNames[w] != nil {
                    if monthNames[w] != nil || w.count <= 4 { month = m; monthByName = true }
                } else if let z = zones[w] {
                    offset = z * 3600
                } else if let z = Self.zonesAfterTime[w], let previous, case .time = previous {
                    offset = z * 3600
                }
            case .number(let v, let digits, let ordinal):
                if digits == 4, (1900...2100).contains(v), year == nil { year = v } else if ordinal, day == nil, (1...31).contains(v) { day = v } else { loose.append((v, digits)) }
            case .time(let h, let m, let s):
                // The first time wins: `06:46 18.01.2019 (updated 07:21 18.01.2019)`.
                guard !hasTime else { continue }
                hour = h; minute = m; second = s; hasTime = true
            case .offset(let o):
                offset = o
            case .numericDate(let a, let b, let c, let sep):
                guard year == nil else { continue }
                if a > 999 { year = a; month = b; day = c } else if c > 999 || c < 100 {
                    // Day-first is the convention only with dots (`18.01.2019`); with `/` or
                    // `-` both orders are common, so a date that reads both ways stays unknown.
                    if sep != ".", a <= 12, b <= 12, a != b { ambiguous = true; continue }
                    year = c < 100 ? 2000 + c : c
                    if sep != "." && b > 12 { month = a; day = b } else { day = a; month = b }
                }
            }
        }
        if ambiguous && year == nil { return nil }
        if day == nil, let i = loose.firstIndex(where: { (1...31).contains($0.value) }) { day = loose.remove(at: i).value }
        if year == nil, let v = loose.first(where: { (1900...2100).contains($0.value) }) { year = v.value }
        // RFC 822's two-digit year (`01 Jan 04`): only beside a month written as a word.
        // `Thu, 01 Jan 04`: day, month name, two digits, in that order.
        if year == nil, monthByName, let at = tokens.firstIndex(where: { if case .word(let w) = $0 { return Self.monthNames[w] != nil || (w.count <= 4 && Self.monthNames[String(w.prefix(3))] != nil) } else { return false } }),
           at > 0, at + 1 < tokens.count, case .number(_, 1...2, false) = tokens[at - 1], case .number(let v, 2, false) = tokens[at + 1] {
            year = v < 50 ? 2000 + v : 1900 + v
        }
        guard let y = year, let m = month, let d = day else { return nil }
        return make(year: y, month: m, day: d, hour: hour, minute: minute, second: second, offset: offset)
    }

    private static func offsetMayFollow(_ token: Token) -> Bool {
        switch token {
        case .time: return true
        case .word(let w): return w == "gmt" || w == "utc" || w == "ut" || w == "z"
        default: return false
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Builds a UTC date from civil fields; nil when a field is out of range.
    public static func make(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, offset: Int = 0) -> Date? {
        guard (1800...2200).contains(year), (1...12).contains(month), (1...31).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        let daysInMonth = [31, (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= daysInMonth[month - 1] else { return nil }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

extension Date {
    /// `YYYY-MM-DD` of this instant in UTC.
    public var utcDay: String {
        var t = time_t(timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        return Self.digits(parts.tm_year + 1900, 4) + "-" + Self.digits(parts.tm_mon + 1, 2) + "-" + Self.digits(parts.tm_mday, 2)
    }

    /// RFC 3339 in UTC, whole seconds: `2025-01-06T00:00:00Z`.
    public var rfc3339: String {
        var t = time_t(timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        return Self.digits(parts.tm_year + 1900, 4) + "-" + Self.digits(parts.tm_mon + 1, 2) + "-" + Self.digits(parts.tm_mday, 2) + "T"
            + Self.digits(parts.tm_hour, 2) + ":" + Self.digits(parts.tm_min, 2) + ":" + Self.digits(parts.tm_sec, 2) + "Z"
    }

    /// `value` zero-padded to `width` digits, as `%0*d` prints it. Several dates go into
    /// every stored article, and `String(format:)` goes through Foundation's formatter.
    static func digits(_ value: Int32, _ width: Int) -> String {
        let text = String(value)
        guard value >= 0, text.utf8.count < width else { return text }
        return String(repeating: "0", count: width - text.utf8.count) + text
    }
}
