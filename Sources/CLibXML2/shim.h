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

static void winnow_xml_ignore_generic(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static void winnow_xml_ignore_structured(void *ctx, xmlErrorPtr err) { (void)ctx; (void)err; }

/// Parse errors of hostile pages would otherwise be printed to stderr by libxml2 itself.
static inline void winnow_xml_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, winnow_xml_ignore_generic);
    xmlSetStructuredErrorFunc(NULL, winnow_xml_ignore_structured);
}
/// xmlFree is a global function-pointer variable, which Swift 6 treats as shared mutable state.
static inline void winnow_xml_free(void *p) { xmlFree(p); }
#endif
