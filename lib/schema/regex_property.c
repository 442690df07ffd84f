/* Unicode property names ECMA-262 accepts in \p{...} / \P{...}, mapped to
 * the spelling PCRE2 10.42 understands. ECMA names are case-sensitive and
 * exact ("\p{letter}" is an error); PCRE2 only knows short General_Category
 * names, so "Letter" becomes "L". */
#include "schema/regex_property.h"

#include <string.h>

/* General_Category values and aliases (PropertyValueAliases.txt), ECMA
 * names are case-sensitive; PCRE2 10.42 knows only the short ones. */
static const char *const gc_table[][3] = {
    {"C", "Other", NULL}, {"Cc", "Control", "cntrl"}, {"Cf", "Format", NULL},
    {"Cn", "Unassigned", NULL}, {"Co", "Private_Use", NULL},
    {"Cs", "Surrogate", NULL}, {"L", "Letter", NULL},
    {"LC", "Cased_Letter", NULL}, {"Ll", "Lowercase_Letter", NULL},
    {"Lm", "Modifier_Letter", NULL}, {"Lo", "Other_Letter", NULL},
    {"Lt", "Titlecase_Letter", NULL}, {"Lu", "Uppercase_Letter", NULL},
    {"M", "Mark", "Combining_Mark"}, {"Mc", "Spacing_Mark", NULL},
    {"Me", "Enclosing_Mark", NULL}, {"Mn", "Nonspacing_Mark", NULL},
    {"N", "Number", NULL}, {"Nd", "Decimal_Number", "digit"},
    {"Nl", "Letter_Number", NULL}, {"No", "Other_Number", NULL},
    {"P", "Punctuation", "punct"}, {"Pc", "Connector_Punctuation", NULL},
    {"Pd", "Dash_Punctuation", NULL}, {"Pe", "Close_Punctuation", NULL},
    {"Pf", "Final_Punctuation", NULL}, {"Pi", "Initial_Punctuation", NULL},
    {"Po", "Other_Punctuation", NULL}, {"Ps", "Open_Punctuation", NULL},
    {"S", "Symbol", NULL}, {"Sc", "Currency_Symbol", NULL},
    {"Sk", "Modifier_Symbol", NULL}, {"Sm", "Math_Symbol", NULL},
    {"So", "Other_Symbol", NULL}, {"Z", "Separator", NULL},
    {"Zl", "Line_Separator", NULL}, {"Zp", "Paragraph_Separator", NULL},
    {"Zs", "Space_Separator", NULL},
};

/* ECMA-262 binary properties (table "Binary Unicode property aliases"):
 * {ECMA name, alias or NULL}. PCRE2 decides whether it supports each. */
static const char *const binary_table[][2] = {
    {"ASCII", NULL}, {"ASCII_Hex_Digit", "AHex"}, {"Alphabetic", "Alpha"},
    {"Any", NULL}, {"Assigned", NULL}, {"Bidi_Control", "Bidi_C"},
    {"Bidi_Mirrored", "Bidi_M"}, {"Case_Ignorable", "CI"}, {"Cased", NULL},
    {"Changes_When_Casefolded", "CWCF"}, {"Changes_When_Casemapped", "CWCM"},
    {"Changes_When_Lowercased", "CWL"}, {"Changes_When_NFKC_Casefolded", "CWKCF"},
    {"Changes_When_Titlecased", "CWT"}, {"Changes_When_Uppercased", "CWU"},
    {"Dash", NULL}, {"Default_Ignorable_Code_Point", "DI"},
    {"Deprecated", "Dep"}, {"Diacritic", "Dia"}, {"Emoji", NULL},
    {"Emoji_Component", "EComp"}, {"Emoji_Modifier", "EMod"},
    {"Emoji_Modifier_Base", "EBase"}, {"Emoji_Presentation", "EPres"},
    {"Extended_Pictographic", "ExtPict"}, {"Extender", "Ext"},
    {"Grapheme_Base", "Gr_Base"}, {"Grapheme_Extend", "Gr_Ext"},
    {"Hex_Digit", "Hex"}, {"IDS_Binary_Operator", "IDSB"},
    {"IDS_Trinary_Operator", "IDST"}, {"ID_Continue", "IDC"},
    {"ID_Start", "IDS"}, {"Ideographic", "Ideo"}, {"Join_Control", "Join_C"},
    {"Logical_Order_Exception", "LOE"}, {"Lowercase", "Lower"}, {"Math", NULL},
    {"Noncharacter_Code_Point", "NChar"}, {"Pattern_Syntax", "Pat_Syn"},
    {"Pattern_White_Space", "Pat_WS"}, {"Quotation_Mark", "QMark"},
    {"Radical", NULL}, {"Regional_Indicator", "RI"},
    {"Sentence_Terminal", "STerm"}, {"Soft_Dotted", "SD"},
    {"Terminal_Punctuation", "Term"}, {"Unified_Ideograph", "UIdeo"},
    {"Uppercase", "Upper"}, {"Variation_Selector", "VS"},
    {"White_Space", "space"}, {"XID_Continue", "XIDC"}, {"XID_Start", "XIDS"},
};

bool nz_regex_span_is(const unsigned char *s, size_t n, const char *lit)
{
    return lit && strlen(lit) == n && memcmp(s, lit, n) == 0;
}

const char *nz_regex_gc_short(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < sizeof gc_table / sizeof gc_table[0]; i++)
        for (int k = 0; k < 3; k++)
            if (nz_regex_span_is(s, n, gc_table[i][k]))
                return gc_table[i][0];
    return NULL;
}

const char *nz_regex_binary_property(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < sizeof binary_table / sizeof binary_table[0]; i++)
        if (nz_regex_span_is(s, n, binary_table[i][0]) || nz_regex_span_is(s, n, binary_table[i][1]))
            return binary_table[i][0];
    return NULL;
}

