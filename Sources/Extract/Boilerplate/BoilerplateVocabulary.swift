/// Words and phrases that mark boilerplate, shared by the HTML extractor and the text
/// cleaner so that the knowledge lives in one place. All entries are lowercase.
public enum BoilerplateVocabulary {
    /// Headings that open a run of teasers which lasts to the end of the document or block.
    public static let blockOpeners: [String] = [
        "don't miss", "dont miss", "latest from", "related", "related articles", "related posts", "related stories",
        "more from", "more stories", "most popular", "most read", "trending", "you may also like", "you might also like",
        "recommended", "recommended for you", "read next", "read more", "also read", "further reading", "more on this",
        "top stories", "popular posts", "editor's picks", "from around the web", "sponsored stories", "leave a reply",
        "comments", "leave a comment", "join the conversation", "previous story", "next story", "previous article",
        "next article", "share this", "share this article", "tags", "weitere artikel", "mehr zum thema", "das könnte sie auch interessieren",
        "à lire aussi", "lire aussi", "sur le même sujet", "te puede interesar", "noticias relacionadas", "leggi anche",
        // Added by the HTML extractor.
        "related coverage", "related content", "related topics", "related links", "more news", "latest news", "about the author",
        "share this story", "share", "print", "temas relacionados", "veja também", "leia também", "mehr themen", "weitere beiträge",
        "weitere themen", "weitere informationen", "verwandte themen", "verwandte artikel", "ähnliche beiträge", "ähnliche artikel",
        "schon gelesen", "lesen sie auch", "auch interessant", "das könnte dich auch interessieren", "über den autor", "zur person",
        "kommentare", "kommentar verfassen", "kommentar schreiben", "kommentare schreiben", "diesen artikel teilen", "artikel teilen",
        "diese seite teilen", "teilen", "seite teilen", "beitrag teilen", "mehr zum thema", "podobne artykuły", "czytaj także",
        "zobacz także", "partager", "partager cet article", "articles similaires", "dans la même rubrique",
    ]

    /// Substrings of short lines that are boilerplate (sponsor, ad, subscribe, comment,
    /// share, cookie, newsletter), in several languages.
    public static let linePhrases: [String] = [
        "sponsor:", "sponsored by", "advertisement", "advertising", "subscribe", "sign up for", "newsletter",
        "join the mailing list", "mailing list", "your email address will not be published", "required fields are marked",
        "be the first to comment", "leave a reply", "post a comment", "share on facebook", "share on twitter",
        "share this", "click here", "read full article", "continue reading", "cookie", "cookies", "accept all",
        "privacy policy", "terms of use", "all rights reserved", "follow us", "min read", "reading time",
        "werbung", "anzeige", "abonnieren", "publicité", "abonnez-vous", "publicidad", "suscríbete", "pubblicità",
        // Added by the HTML extractor: picture credits and notices.
        "foto:", "fotos:", "photo:", "photos:", "bild:", "bilder:", "quelle:", "source:", "image:", "credit:", "copyright",
        "©", "getty images", "picture alliance", "picture-alliance", "titelbild", "beitragsbild", "symbolbild",
        "sign up", "download the app", "alle angaben ohne gewähr", "lust auf mehr",
    ]

    /// class/id fragments that mark non-content containers in HTML.
    public static let negativeHints: [String] = [
        "comment", "sidebar", "related", "share", "social", "promo", "sponsor", "newsletter", "cookie", "consent",
        "banner", "advert", "ad-", "ads", "footer", "header", "nav", "menu", "breadcrumb", "popular", "trending",
        "recommend", "outbrain", "taboola", "subscribe", "signup", "widget", "teaser", "byline", "meta", "tags",
        "pagination", "modal", "popup", "author-bio", "read-more", "readmore",
        // Added by the HTML extractor.
        "author", "autor", "bio", "credit", "caption", "navigation", "navbar", "toolbar", "overlay",
        "disclaimer", "rating", "survey", "donate", "donation", "shariff", "addthis", "sharing", "sociable", "follow",
    ]

    /// class/id fragments that mark the article body.
    public static let positiveHints: [String] = [
        "article", "content", "entry", "post", "story", "body", "main", "text", "blog", "news",
    ]
}
