import Testing
@testable import Extract

@Suite struct MarkupPrefilterTests {
    private func filter(_ html: String) -> String {
        String(decoding: MarkupPrefilter.filter(Array(html.utf8)), as: UTF8.self)
    }

    @Test func dropsScriptStyleSVGBodiesAndComments() {
        let page = """
        <p>a</p><script>var x = "<p>not text</p>";</script><STYLE type="text/css">p { color: red }</STYLE>\
        <svg viewBox="0 0 1 1"><path d="M0 0"/><title>icon</title></svg><!-- <p>old</p> --><p>b</p>
        """
        #expect(filter(page) == "<p>a</p><script></script><STYLE type=\"text/css\"></STYLE><svg></svg><p>b</p>")
    }

    @Test func keepsOnlyTheAttributesTheRecorderReads() {
        let tag = """
        <div data-x='{"a":"b>c"}' CLASS="story-body" srcset=a.jpg hidden id = main style="display:none"><a href="/x" rel=author>A</a>\
        <link rel="canonical" href="https://example.com/a"><img src="x.jpg" alt="x"/>
        """
        #expect(filter(tag) == """
        <div CLASS="story-body" hidden id = main style="display:none"><a rel=author>A</a>\
        <link rel="canonical" href="https://example.com/a"><img/>
        """)
    }

    @Test func keepsJSONLDAndSelfClosedElements() {
        let jsonLD = "<script type=\"application/LD+JSON\">{\"headline\": \"<a href='x'>y</a>\"}</script>"
        #expect(filter(jsonLD) == jsonLD)
        // libxml2 closes `<script/>` at once: what follows is page text, not a script body.
        let selfClosed = "<script type=\"module\"/><p>kept</p><script>drop()</script>"
        #expect(filter(selfClosed) == "<script type=\"module\"/><p>kept</p><script></script>")
    }

    @Test func leavesLookalikesAndUnreadableMarkupAlone() {
        let lookalikes = "<scripted>x</scripted><p>a</p><svgx>y</svgx> 3 <4 and a<b"
        #expect(filter(lookalikes) == lookalikes)
        for untouched in ["<p>a</p><script>never closed <p>b</p>", "<p>a</p><!-- never closed <p>b</p>",
                          "<div class=\"open quote><p>b</p>", "<div title=x<p>b</p>"] {
            #expect(filter(untouched) == untouched)
        }
    }

    @Test func scriptTextNeverReachesTheArticle() {
        let html = """
        <html><head><title>T</title><script>document.write("<p>Injected sentence from a script, long enough to count as prose.</p>")</script></head>
        <body><article><p>The only real paragraph of this page is long enough to be chosen as the article body text.</p></article></body></html>
        """
        let doc = HTMLExtractor.extract(Array(html.utf8), url: nil, charset: nil)
        #expect(doc.paragraphs == ["The only real paragraph of this page is long enough to be chosen as the article body text."])
    }

    @Test func everyTruncationIsSafe() {
        let page = """
        <!doctype html><html lang=en><!-- c --><head><script type='application/ld+json'>{"a":"<b>"}</script>        <style>p{}</style></head><body><div class="x y" data-a='1>2' hidden><a href=/x/ rel="author">A</a>        <svg/><script src=x></script><p id=a>Text &amp; more<br/></p></body></html>
        """
        let bytes = Array(page.utf8)
        for end in 0...bytes.count {
            let filtered = MarkupPrefilter.filter(Array(bytes[..<end]))
            #expect(filtered.count <= end)
            _ = HTMLExtractor.extract(Array(bytes[..<end]), url: nil, charset: nil)
        }
    }

    @Test func dropsNULBytesThatWouldEndThePageForLibxml2() {
        let html = "<html><body><img src=x>\0\0\0\n<article><p>The article text after a run of NUL bytes is long enough to be chosen as the body.</p></article></body></html>"
        #expect(!MarkupPrefilter.filter(Array(html.utf8)).contains(0))
        let doc = HTMLExtractor.extract(Array(html.utf8), url: nil, charset: nil)
        #expect(doc.paragraphs == ["The article text after a run of NUL bytes is long enough to be chosen as the body."])
        // UTF-16 keeps its zero bytes.
        let utf16: [UInt8] = [0xFF, 0xFE, 0x3C, 0x00, 0x70, 0x00, 0x3E, 0x00]
        #expect(MarkupPrefilter.filter(utf16, asciiCompatible: false) == utf16)
    }
}
