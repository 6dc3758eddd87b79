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
        "responses", "discussion", "kommentare", "commentaires", "comentarios", "lesen sie auch", "ähnliche artikel",
        "les plus lus", "à voir aussi", "more news", "latest news", "latest stories", "see also", "media contact",
        "press contact", "contacts", "###",
        // Russian, Arabic, Hebrew, Japanese, Chinese, Korean.
        "читайте также", "читайте также:", "по теме", "похожие новости", "самое читаемое", "комментарии",
        "اقرأ أيضا", "اقرأ أيضاً", "اقرأ ايضا", "مواضيع ذات صلة", "أخبار ذات صلة", "الأكثر قراءة", "التعليقات",
        "כתבות נוספות", "קראו עוד", "קראו גם", "עוד באתר", "הכי נקראים", "תגובות",
        "関連記事", "関連ニュース", "おすすめ記事", "あわせて読みたい", "アクセスランキング", "コメント",
        "相关阅读", "相关新闻", "相关文章", "延伸阅读", "推荐阅读", "热门文章", "评论", "相關新聞", "延伸閱讀",
        "관련기사", "관련 기사", "많이 본 기사", "추천 기사", "댓글",
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
        "minute read", "minutes read", "min. lesezeit", "lesezeit", "temps de lecture", "min de lecture", "leave a comment",
        "comments are closed", "share this article", "share on", "share via", "print this", "email this", "follow us on",
        "sign in", "log in", "download the app", "get the app", "listen to this article", "back to top", "skip to content",
        "skip to main content", "read the full article", "read the full story", "teilen", "jetzt abonnieren",
        "alle rechte vorbehalten", "partager", "s'abonner", "inscrivez-vous", "tous droits réservés", "compartir",
        "todos los derechos reservados", "like this:", "loading...", "powered by", "unsubscribe", "view in browser",
        "view this email in your browser", "forward to a friend", "manage preferences", "update your preferences",
        // Newsletter sign-up fields, "follow us" and channel appeals, comment and rating prompts, paywall
        // pitches, recipe plugins' print buttons.
        "enter your email address", "gib deine e-mail-adresse ein", "geben sie ihre e-mail-adresse ein",
        "entrez votre adresse e-mail", "introduce tu correo electrónico", "ingresa tu correo electrónico",
        "folgen sie uns", "folge uns auf", "suivez-nous", "síguenos", "siguenos en", "seguici su", "obserwuj nas",
        "our youtube channel", "unseren youtube-kanal", "nuestro canal de youtube", "notre chaîne youtube",
        "canal de telegram", "canal de whatsapp", "telegram channel", "whatsapp channel", "whatsapp-kanal", "telegram-kanal",
        "to post a comment", "um einen kommentar abzugeben", "an einer diskussion beteiligen", "pour publier un commentaire",
        "para comentar debes", "rate this article", "artikel bewerten", "bewerten sie diesen artikel", "valora esta noticia",
        "valora este artículo", "évaluez cet article", "cancel anytime", "cancel at any time", "jederzeit kündbar",
        "cancela cuando quieras", "résiliable à tout moment", "subskrypcji", "subskrybuj",
    ]

    /// Share, subscribe and read-more buttons of other scripts: found anywhere in a line of
    /// eight words or fewer (scripts written without spaces have no word boundaries to wait for).
    public static let scriptLinePhrases: [String] = [
        "поделиться", "поделитесь", "подписывайтесь", "подписаться", "تابعونا", "שתפו", "הירשמו", "לחצו כאן",
        "シェアする", "をシェア", "ツイート", "続きを読む", "スポンサーリンク", "分享到", "分享至", "扫一扫", "点击查看",
        "공유하기", "구독하기", "기사 공유",
    ]

    /// Copyright and reprint notices of those scripts: found anywhere in a line of up to 40
    /// words, even one that reads like a sentence.
    public static let scriptSentencePhrases: [String] = [
        "все права защищены", "при использовании материалов", "جميع الحقوق محفوظة", "כל הזכויות שמורות",
        "無断転載", "無断複製", "版权所有", "版權所有", "不得转载", "不得轉載", "责任编辑", "責任編輯",
        "무단 전재", "무단전재", "재배포 금지",
    ]

    /// A line that is only one of these (punctuation aside) is an ad slot, never a headline.
    public static let adLabels: Set<String> = [
        "advertisement", "advertising", "ad", "sponsored", "anzeige", "werbung", "publicité", "publicidad", "pubblicità",
        "реклама", "إعلان", "اعلان", "פרסומת", "広告", "スポンサーリンク", "广告", "廣告", "광고",
    ]

    /// Boilerplate that comes as whole sentences (comment forms, mail footers, copyright and
    /// consent notices, sign-offs): a line containing one is dropped even when it reads like prose.
    public static let sentencePhrases: [String] = [
        "your email address will not be published", "required fields are marked", "you received this email",
        "you are receiving this email", "you are receiving this because", "this email was sent to", "all rights reserved",
        "may not be published, broadcast, rewritten or redistributed", "we use cookies", "by continuing to use this site",
        "thanks for reading", "if you enjoyed this", "sign up for our newsletter", "this article originally appeared",
        "this story was originally published", "alle rechte vorbehalten", "tous droits réservés", "todos los derechos reservados",
    ]

    /// The site's notices about an article, not part of it, wherever they stand (above the text,
    /// between sections, at the end): affiliate and advertiser disclosures (how the site earns
    /// money) and opinion disclaimers (whose views the text is).
    public static let disclosurePhrases: [String] = [
        "we may receive compensation", "we may receive a commission", "we may earn a commission",
        "we may earn an affiliate commission", "may earn a small commission", "we earn a commission",
        "advertisers do not influence", "earn from qualifying purchases", "contains affiliate links",
        "enthält affiliate links", "enthält affiliate-links", "enthält werbelinks",
        "do not necessarily reflect the views", "does not necessarily reflect the views",
        "do not necessarily reflect the opinion", "does not necessarily reflect the opinion",
        "nicht notwendigerweise die der redaktion", "nicht unbedingt die meinung der redaktion",
        "n'engagent que leurs auteurs", "n’engagent que leurs auteurs", "n'engagent que leur auteur",
        "n’engagent que leur auteur", "no reflejan necesariamente", "no necesariamente reflejan",
    ]

    /// Blog engines' post footers ("This entry was posted in News. Bookmark the permalink.",
    /// "Dieser Beitrag wurde am … veröffentlicht und wurde unter … abgelegt."): where and when the
    /// post was filed, not its text.
    public static let postMetaPhrases: [String] = [
        "bookmark the permalink", "this entry was posted in", "this entry was posted on",
        "veröffentlicht und wurde unter", "und abgelegt unter", "lesezeichen für den permalink",
        "lesezeichen auf den permalink",
    ]

    /// Phrases of site footers written as prose (contact desks, newsletter pitches, legal and
    /// reprint notices): a paragraph holding one is dropped when it comes after the article's
    /// last paragraph, never in the middle of the text.
    public static let footerPhrases: [String] = [
        "all rights reserved", "copyright", "©", "written permission", "without permission", "without the permission",
        "republish", "reprint", "customer service", "customer care", "can be contacted", "newsletter", "subscribe",
        "sign up", "follow us", "privacy policy", "terms of use", "terms and conditions", "cookie", "registered office",
        "kundenservice", "kundendienst", "impressum", "datenschutz", "alle rechte vorbehalten", "nachdruck",
        "abonnieren", "service client", "tous droits réservés", "reproduction interdite", "abonnez", "atención al cliente",
        "todos los derechos reservados", "suscríbete", "servizio clienti", "riproduzione riservata", "iscriviti",
        "wszelkie prawa zastrzeżone", "obsługa klienta", "ios and android", "ios und android", "ios et android",
        "ios y android", "letter to the editor", "we want to hear what you think", "become a member", "hazte miembro",
        "werden sie mitglied", "devenez membre",
        "все права защищены", "جميع الحقوق محفوظة", "כל הזכויות שמורות", "無断転載", "版权所有", "版權所有",
        "무단 전재",
    ]

    /// Labels that open a one-line pointer or credit ("SOURCE: www.example.com", "RELATED: Other headline",
    /// "ALSO READ - Headline", "Photo: Agency"); a short line that starts with one is boilerplate.
    public static let lineLabels: [String] = [
        "source", "sources", "via", "related", "also read", "read more", "read also", "see also", "more", "watch",
        "listen", "read", "photo", "photos", "image", "images", "image source", "picture", "credit", "credits",
        "photo credit", "image credit", "picture credit", "courtesy", "illustration", "video", "tags", "topics",
        "filed under", "categories", "category",
        "quelle", "lesen sie auch", "mehr dazu", "foto", "fotos", "bild", "bildquelle", "lire aussi", "à lire aussi",
        "crédit photo", "crédits photo", "source :", "fuente", "leer más", "ver también", "fonte", "leggi anche",
        "источник", "фото", "читайте также", "المصدر", "صورة", "الصورة", "تصوير", "اقرأ أيضا", "اقرأ أيضاً", "צילום", "מקור", "קראו גם",
        "写真", "出典", "関連", "来源", "图片", "图", "来源于", "사진", "출처", "관련기사", "関連記事", "相关阅读", "相关新闻",
    ]

    /// Words that make up share bars ("Facebook Twitter LinkedIn Email").
    public static let shareWords: [String] = [
        "share", "shares", "tweet", "facebook", "twitter", "x", "linkedin", "email", "e-mail", "mail", "whatsapp",
        "pinterest", "reddit", "telegram", "print", "copy", "link", "messenger", "flipboard", "threads", "bluesky",
        "teilen", "partager", "compartir", "drucken", "imprimer",
        "поделиться", "вконтакте", "одноклассники", "телеграм", "شارك", "مشاركة", "שתפו", "שתף", "シェア", "ツイート",
        "分享", "分享到", "微信", "微博", "공유", "카카오톡", "페이스북", "트위터", "line", "はてなブックマーク", "はてブ", "pocket",
        "vk", "ok", "qq空间", "qzone", "打印", "印刷", "인쇄", "печать",
    ]

    /// Agencies and stock libraries named at the end of photo credits ("Name/Getty Images").
    public static let creditAgencies: [String] = [
        "getty images", "getty", "afp", "ap", "reuters", "epa", "epa-efe", "shutterstock", "dpa", "picture alliance",
        "bloomberg", "ap photo", "afp via getty images", "istock", "alamy", "anadolu", "xinhua", "sipa", "imago",
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
