import Testing
@testable import Extract

@Suite struct RawTextStripperTests {
    private func strip(_ html: String) -> String {
        String(decoding: RawTextStripper.strip(Array(html.utf8)), as: UTF8.self)
    }

    @Test func dropsScriptStyleSVGBodiesAndComments() {
        let page = """
        <p>a</p><script>var x = "<p>not text</p>";</script><STYLE type="text/css">p { color: red }</STYLE>\
        <svg viewBox="0 0 1 1"><path d="M0 0"/><title>icon</title></svg><!-- <p>old</p> --><p>b</p>
        """
        #expect(strip(page) == "<p>a</p><script></script><STYLE type=\"text/css\"></STYLE><svg viewBox=\"0 0 1 1\"></svg><p>b</p>")
    }

    @Test func keepsJSONLDAndSelfClosedElements() {
        let jsonLD = "<script type=\"application/LD+JSON\">{\"headline\": \"</p>\"}</script>"
        #expect(strip(jsonLD) == jsonLD)
        // libxml2 closes `<script/>` at once: what follows is page text, not a script body.
        let selfClosed = "<script src=\"x.js\"/><p>kept</p><script>drop()</script>"
        #expect(strip(selfClosed) == "<script src=\"x.js\"/><p>kept</p><script></script>")
    }

    @Test func leavesLookalikesAndUnterminatedPartsAlone() {
        let lookalikes = "<scripted>x</scripted><p>a</p><svgx>y</svgx>"
        #expect(strip(lookalikes) == lookalikes)
        let open = "<p>a</p><script>never closed <p>b</p>"
        #expect(strip(open) == open)
        let comment = "<p>a</p><!-- never closed <p>b</p>"
        #expect(strip(comment) == comment)
    }

    @Test func scriptTextNeverReachesTheArticle() {
        let html = """
        <html><head><title>T</title><script>document.write("<p>Injected sentence from a script, long enough to count as prose.</p>")</script></head>
        <body><article><p>The only real paragraph of this page is long enough to be chosen as the article body text.</p></article></body></html>
        """
        let doc = HTMLExtractor.extract(Array(html.utf8), url: nil, charset: nil)
        #expect(doc.paragraphs == ["The only real paragraph of this page is long enough to be chosen as the article body text."])
    }
}
