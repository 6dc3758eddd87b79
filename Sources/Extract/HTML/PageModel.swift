/// Compact records `PageRecorder` makes from the parser's events; scoring and emission
/// work on these arrays only.

/// What the recorder learned about one element.
struct ElementFlags: OptionSet {
    let rawValue: UInt16
    static let negativeHint = ElementFlags(rawValue: 1 << 0)
    static let positiveHint = ElementFlags(rawValue: 1 << 1)
    static let comments = ElementFlags(rawValue: 1 << 2)
    /// `itemprop=articleBody` or a class such as `entry-content`.
    static let articleBody = ElementFlags(rawValue: 1 << 3)
    /// `<article>`, `<main>`, `role=main|article`.
    static let structural = ElementFlags(rawValue: 1 << 4)
    /// nav, aside, footer, header, form, menu, dialog, or the matching ARIA role.
    static let furniture = ElementFlags(rawValue: 1 << 5)
    /// An ambiguous hint such as "header" or "teaser": only non-prose below it is boilerplate.
    static let weakNegativeHint = ElementFlags(rawValue: 1 << 6)
}

/// One element, in document (pre-)order: a subtree is the index range `index..<end`.
struct ElementRecord {
    var parent: Int32
    var end: Int32
    var tag: Tag
    var flags: ElementFlags
}

/// Inherited context of a text run.
struct BlockContext: OptionSet {
    let rawValue: UInt8
    static let listItem = BlockContext(rawValue: 1 << 0)
    static let heading = BlockContext(rawValue: 1 << 1)
    static let quote = BlockContext(rawValue: 1 << 2)
    static let caption = BlockContext(rawValue: 1 << 3)
    static let tableCell = BlockContext(rawValue: 1 << 4)
    static let head = BlockContext(rawValue: 1 << 5)
    static let preformatted = BlockContext(rawValue: 1 << 6)
    /// Inside `<noscript>`: a scripting browser's saved page holds its content as escaped markup.
    static let noscript = BlockContext(rawValue: 1 << 7)
}

/// One run of text between block boundaries, its bytes in the recorder's shared buffer.
struct BlockRecord {
    var start: Int32
    var length: Int32
    /// The innermost element holding the whole run.
    var element: Int32
    /// Characters (not bytes), without whitespace.
    var chars: Int32
    var linkChars: Int32
    /// Sentence punctuation: . , ; : ! ? and their CJK forms.
    var punctuation: Int32
    var tag: Tag
    var context: BlockContext
}

/// Metadata gathered on the way.
struct RawMetadata {
    var htmlLang: String?
    var title: String?
    /// `<meta name|property|itemprop=… content=…>`, keys lowercased, first value wins.
    var meta: [String: String] = [:]
    var canonical: String?
    var jsonLD: [String] = []
    /// `<time datetime>` values with the element index of the time element.
    var times: [(value: String, element: Int32)] = []
    var itemDatePublished: String?
    var itemAuthor: String?
    var relAuthor: String?
    /// Text of the first short element whose class or id names a byline or author.
    var classAuthor: String?
}
