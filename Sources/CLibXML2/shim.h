#ifndef WINNOW_CLIBXML2_SHIM_H
#define WINNOW_CLIBXML2_SHIM_H
// libxml2 built with ICU pulls in unicode/utypes.h, whose UErrorCode clashes with the one
// Foundation's ICU exposes; Winnow never uses libxml2's ICU entry points.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
#include <libxml/encoding.h>
#include <libxml/parserInternals.h>
#include <string.h>

static void winnow_xml_ignore_generic(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static void winnow_xml_ignore_structured(void *ctx, xmlErrorPtr err) { (void)ctx; (void)err; }

/// Parse errors of hostile pages would otherwise be printed to stderr by libxml2 itself.
static inline void winnow_xml_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, winnow_xml_ignore_generic);
    xmlSetStructuredErrorFunc(NULL, winnow_xml_ignore_structured);
}
/// xmlFree is a global function-pointer variable, which Swift 6 treats as shared mutable state.
static inline void winnow_xml_free(void *p) { xmlFree(p); }

/// Runs libxml2's recovering HTML parser in SAX mode: no tree is built, each element start,
/// end and text run goes straight to the callbacks with `context`. libxml2 balances the
/// events itself (every start gets an end, implied and auto-closed ones included).
/// `encoding` (may be NULL) overrides the page's own declaration, as htmlCtxtReadMemory does.
/// Returns libxml2's result (0 or -1 after recovery), or -2 when no parser could be made.
static inline int winnow_html_sax_parse(const char *bytes, int length, const char *encoding, int options,
                                        startElementSAXFunc start, endElementSAXFunc end,
                                        charactersSAXFunc characters, void *context) {
    htmlSAXHandler handler;
    memset(&handler, 0, sizeof handler);
    handler.startElement = start;
    handler.endElement = end;
    handler.characters = characters;
    handler.cdataBlock = characters;
    htmlParserCtxtPtr parser = htmlCreateMemoryParserCtxt(bytes, length);
    if (parser == NULL) return -2;
    htmlSAXHandlerPtr own = (htmlSAXHandlerPtr)parser->sax;
    parser->sax = (xmlSAXHandlerPtr)&handler;
    parser->userData = context;
    htmlCtxtUseOptions(parser, options);
    if (encoding != NULL) {
        xmlCharEncodingHandlerPtr converter = xmlFindCharEncodingHandler(encoding);
        if (converter != NULL) {
            xmlSwitchToEncoding(parser, converter);
            if (parser->input->encoding != NULL) xmlFree((xmlChar *)parser->input->encoding);
            parser->input->encoding = xmlStrdup((const xmlChar *)encoding);
        }
    }
    int result = htmlParseDocument(parser);
    parser->sax = (xmlSAXHandlerPtr)own;
    if (parser->myDoc != NULL) xmlFreeDoc(parser->myDoc);
    parser->myDoc = NULL;
    htmlFreeParserCtxt(parser);
    return result;
}
#endif
