/* jsonread.c - strict JSON reader (see jsonread.h for what it accepts).
 *
 * A recursive-descent parser over a byte range builds a tree of nodes;
 * lookups then walk that tree.  Recursion is bounded by JR_MAX_DEPTH, both
 * in the parser and in jr_free.
 */
#define _GNU_SOURCE /* strtod_l */
#include "jsonread.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jr_member {
	struct jr_value *key; /* a JR_STRING node */
	struct jr_value *val;
};

struct jr_value {
	enum jr_type type;
	union {
		bool b;
		struct {
			double d;
			/* exact: the decimal value is an integer whose
			 * magnitude fits in 64 bits; it is mag, negated if
			 * neg. */
			bool exact;
			bool neg;
			uint64_t mag;
		} num;
		struct {
			size_t len;	/* bytes, without the final NUL */
			char *s;	/* in the same allocation, after the node */
		} str;
		struct {
			size_t n;
			struct jr_value **items;
		} arr;
		struct {
			size_t n;
			struct jr_member *members;
		} obj;
	} u;
};

struct parser {
	const char *start, *p, *end;
	unsigned depth;		/* containers open around p */
	/* strtod follows LC_NUMERIC, which could make "1.5" stop at the '.';
	 * a private "C" locale keeps reading independent of the program's,
	 * without touching global state.  Made on the first fraction. */
	locale_t c_locale;
	const char *prefix;	/* put before the position in errors */
	char *err;
	size_t errlen;
	bool failed;
};

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool at_end(const struct parser *ps)
{
	return ps->p == ps->end;
}

/* Record the first error only: later ones are consequences of it.  Returns
 * NULL so callers can "return fail(...)". */
__attribute__((format(printf, 3, 4)))
static void *fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	size_t line = 1, col = 1, used;
	va_list ap;
	int n;

	if (ps->failed)
		return NULL;
	ps->failed = true;
	if (!ps->err || !ps->errlen)
		return NULL;
	for (const char *q = ps->start; q < at; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)*q & 0xc0) != 0x80) {
			/* UTF-8 continuation bytes belong to the character
			 * already counted, so columns count characters. */
			col++;
		}
	}
	n = snprintf(ps->err, ps->errlen, "%sline %zu, column %zu: ",
		     ps->prefix, line, col);
	used = n < 0 ? 0 : (size_t)n;
	if (used >= ps->errlen)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(ps->err + used, ps->errlen - used, fmt, ap);
	va_end(ap);
	return NULL;
}

/* What sits at q, for "expected X, found Y". */
static const char *describe(const struct parser *ps, const char *q,
			    char *buf, size_t size)
{
	unsigned char c;

	if (q == ps->end)
		return "end of input";
	c = (unsigned char)*q;
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x", c);
	return buf;
}

/* "expected <what>, found <what is at p>".  Comments get their own message
 * because "found '/'" would leave people wondering what is wrong. */
static void *unexpected(struct parser *ps, const char *what)
{
	char buf[16];

	if (ps->end - ps->p >= 2 && ps->p[0] == '/' &&
	    (ps->p[1] == '/' || ps->p[1] == '*'))
		return fail(ps, ps->p, "comments are not allowed in JSON");
	return fail(ps, ps->p, "expected %s, found %s", what,
		    describe(ps, ps->p, buf, sizeof(buf)));
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static struct jr_value *new_node(struct parser *ps, enum jr_type type)
{
	struct jr_value *v = calloc(1, sizeof(*v));

	if (!v)
		return fail(ps, ps->p, "out of memory");
	v->type = type;
	return v;
}

static struct jr_value *parse_value(struct parser *ps);

/* ---- strings ---- */

static int hex4(const char *q, const char *end, uint32_t *out)
{
	uint32_t v = 0;

	if (end - q < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = q[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Length of the valid UTF-8 sequence at q (a byte >= 0x80), or 0.  Rejects
 * what RFC 3629 forbids: overlong forms, UTF-16 surrogates, > U+10FFFF. */
static size_t utf8_seq(const char *q, const char *end)
{
	const unsigned char *s = (const unsigned char *)q;
	size_t avail = (size_t)(end - q), n;
	unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static size_t put_utf8(char *out, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (out)
		memcpy(out, b, n);
	return n;
}

/* The string whose opening quote is at ps->p.  Run twice: with out NULL it
 * checks the string and measures its decoded length into *len; then with
 * out sized from that it decodes (and cannot fail).  Sizing first keeps one
 * exact allocation per string without a growing buffer.  *endp is set past
 * the closing quote. */
static int scan_string(struct parser *ps, char *out, size_t *len,
		       const char **endp)
{
	const char *q = ps->p + 1, *end = ps->end;
	size_t n = 0;
	char buf[16];

	for (;;) {
		unsigned char c;

		if (q == end) {
			fail(ps, ps->p, "unterminated string");
			return -1;
		}
		c = (unsigned char)*q;
		if (c == '"')
			break;
		if (c < 0x20) {
			fail(ps, q, "control character 0x%02x in a string "
			     "must be escaped", c);
			return -1;
		}
		if (c >= 0x80) {
			size_t k = utf8_seq(q, end);

			if (!k) {
				fail(ps, q, "invalid UTF-8 in a string");
				return -1;
			}
			if (out)
				memcpy(out + n, q, k);
			n += k;
			q += k;
			continue;
		}
		if (c != '\\') {
			if (out)
				out[n] = (char)c;
			n++;
			q++;
			continue;
		}
		/* An escape: q is at the backslash, where errors point. */
		if (end - q < 2) {
			fail(ps, ps->p, "unterminated string");
			return -1;
		}
		switch (q[1]) {
		case '"':  c = '"';  break;
		case '\\': c = '\\'; break;
		case '/':  c = '/';  break;
		case 'b':  c = '\b'; break;
		case 'f':  c = '\f'; break;
		case 'n':  c = '\n'; break;
		case 'r':  c = '\r'; break;
		case 't':  c = '\t'; break;
		case 'u': {
			uint32_t cp, lo;

			if (hex4(q + 2, end, &cp)) {
				fail(ps, q, "\\u must be followed by 4 hex "
				     "digits");
				return -1;
			}
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				fail(ps, q, "lone surrogate \\u%04X in a "
				     "string (no high surrogate before it)",
				     (unsigned)cp);
				return -1;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				/* Only a \u low surrogate may follow; then
				 * the pair is one code point. */
				if (end - q < 12 || q[6] != '\\' ||
				    q[7] != 'u' || hex4(q + 8, end, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff) {
					fail(ps, q, "lone surrogate \\u%04X in "
					     "a string (no low surrogate "
					     "after it)", (unsigned)cp);
					return -1;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				q += 6;
			}
			n += put_utf8(out ? out + n : NULL, cp);
			q += 6;
			continue;
		}
		default:
			fail(ps, q, "invalid escape: '\\' followed by %s",
			     describe(ps, q + 1, buf, sizeof(buf)));
			return -1;
		}
		if (out)
			out[n] = (char)c;
		n++;
		q += 2;
	}
	*len = n;
	*endp = q + 1;
	return 0;
}

static struct jr_value *parse_string(struct parser *ps)
{
	struct jr_value *v;
	const char *endp;
	size_t len;

	if (scan_string(ps, NULL, &len, &endp))
		return NULL;
	/* The text after the node, so a string is a single allocation.  len
	 * is at most the input's length, so the sum cannot overflow. */
	v = calloc(1, sizeof(*v) + len + 1);
	if (!v)
		return fail(ps, ps->p, "out of memory");
	v->type = JR_STRING;
	v->u.str.s = (char *)(v + 1);
	scan_string(ps, v->u.str.s, &v->u.str.len, &endp);
	v->u.str.s[len] = '\0';
	ps->p = endp;
	return v;
}

/* ---- numbers ---- */

/* Whether the number with these digits (integer part, fraction part) and
 * exponent is an integer whose magnitude fits in a uint64_t; if so, *mag is
 * it.  Done on the decimal digits, because a double cannot hold every
 * integer above 2^53. */
static bool exact_integer(const char *ip, size_t ni, const char *fp,
			  size_t nf, int64_t exp, uint64_t *mag)
{
	size_t total = ni + nf, first, last;
	int64_t scale;
	uint64_t m = 0;

#define DIGIT(i) ((i) < ni ? ip[(i)] - '0' : fp[(i) - ni] - '0')
	for (first = 0; first < total && DIGIT(first) == 0; first++)
		;
	if (first == total) {
		*mag = 0;
		return true;
	}
	for (last = total - 1; DIGIT(last) == 0; last--)
		;
	/* value = digits[first..last] * 10^scale */
	scale = exp - (int64_t)nf + (int64_t)(total - 1 - last);
	if (scale < 0)
		return false;
	for (size_t i = first; i <= last; i++) {
		unsigned d = (unsigned)DIGIT(i);

		if (m > (UINT64_MAX - d) / 10)
			return false;
		m = m * 10 + d;
	}
#undef DIGIT
	/* m is not 0, so this overflows within 20 rounds even if scale is
	 * huge. */
	for (; scale > 0; scale--) {
		if (m > UINT64_MAX / 10)
			return false;
		m *= 10;
	}
	*mag = m;
	return true;
}

static struct jr_value *parse_number(struct parser *ps)
{
	const char *s = ps->p, *ip, *fp = NULL;
	size_t ni, nf = 0, len;
	int64_t exp = 0;
	bool neg = false;
	char small[64], *buf = small;
	struct jr_value *v;
	double d;

	if (*ps->p == '-') {
		neg = true;
		ps->p++;
	}
	if (at_end(ps) || !is_digit(*ps->p))
		return unexpected(ps, "a digit after '-'");
	ip = ps->p;
	if (*ps->p == '0') {
		ps->p++;
		if (!at_end(ps) && is_digit(*ps->p))
			return fail(ps, s, "leading zeros are not allowed in "
				    "numbers");
	} else {
		while (!at_end(ps) && is_digit(*ps->p))
			ps->p++;
	}
	ni = (size_t)(ps->p - ip);
	if (!at_end(ps) && *ps->p == '.') {
		ps->p++;
		if (at_end(ps) || !is_digit(*ps->p))
			return unexpected(ps, "a digit after '.'");
		fp = ps->p;
		while (!at_end(ps) && is_digit(*ps->p))
			ps->p++;
		nf = (size_t)(ps->p - fp);
	}
	if (!at_end(ps) && (*ps->p == 'e' || *ps->p == 'E')) {
		bool eneg = false;

		ps->p++;
		if (!at_end(ps) && (*ps->p == '+' || *ps->p == '-')) {
			eneg = *ps->p == '-';
			ps->p++;
		}
		if (at_end(ps) || !is_digit(*ps->p))
			return unexpected(ps, "a digit in the exponent");
		while (!at_end(ps) && is_digit(*ps->p)) {
			/* Saturate: beyond 10^9 the value is 0, infinite
			 * or not an int64 anyway, and exp must not wrap. */
			if (exp < 1000000000)
				exp = exp * 10 + (*ps->p - '0');
			ps->p++;
		}
		if (eneg)
			exp = -exp;
	}

	/* strtod needs a NUL-terminated copy: the input is a byte range. */
	len = (size_t)(ps->p - s);
	if (len >= sizeof(small)) {
		buf = malloc(len + 1);
		if (!buf)
			return fail(ps, s, "out of memory");
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!ps->c_locale) {
		ps->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
		if (!ps->c_locale) {
			if (buf != small)
				free(buf);
			return fail(ps, s, "out of memory");
		}
	}
	d = strtod_l(buf, NULL, ps->c_locale);
	if (buf != small)
		free(buf);
	if (isinf(d))
		return fail(ps, s, "number out of range (larger than a "
			    "double)");

	v = new_node(ps, JR_NUMBER);
	if (!v)
		return NULL;
	v->u.num.d = d;
	v->u.num.neg = neg;
	v->u.num.exact = exact_integer(ip, ni, fp, nf, exp, &v->u.num.mag);
	return v;
}

/* ---- literals ---- */

static struct jr_value *parse_word(struct parser *ps)
{
	const char *s = ps->p;
	size_t n;
	struct jr_value *v;

	/* Take the whole word, so "nulls" or "NaN" is reported as such
	 * rather than as a partial match followed by garbage. */
	while (!at_end(ps) && ((*ps->p >= 'a' && *ps->p <= 'z') ||
			       (*ps->p >= 'A' && *ps->p <= 'Z') ||
			       is_digit(*ps->p) || *ps->p == '_'))
		ps->p++;
	n = (size_t)(ps->p - s);
	if (n == 4 && !memcmp(s, "null", 4))
		return new_node(ps, JR_NULL);
	if ((n == 4 && !memcmp(s, "true", 4)) ||
	    (n == 5 && !memcmp(s, "false", 5))) {
		v = new_node(ps, JR_BOOL);
		if (v)
			v->u.b = n == 4;
		return v;
	}
	return fail(ps, s, "invalid literal '%.*s'%s", n > 32 ? 32 : (int)n, s,
		    n > 32 ? "..." : "");
}

/* ---- containers ---- */

/* Make room for one more element in a vector of n, capacity *cap. */
static int grow(struct parser *ps, void **vec, size_t n, size_t *cap,
		size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 4;
	if (ncap > SIZE_MAX / elem) {
		fail(ps, ps->p, "out of memory");
		return -1;
	}
	p = realloc(*vec, ncap * elem);
	if (!p) {
		fail(ps, ps->p, "out of memory");
		return -1;
	}
	*vec = p;
	*cap = ncap;
	return 0;
}

static int enter(struct parser *ps)
{
	if (ps->depth == JR_MAX_DEPTH) {
		fail(ps, ps->p, "nesting deeper than %d arrays/objects",
		     JR_MAX_DEPTH);
		return -1;
	}
	ps->depth++;
	ps->p++; /* the '[' or '{' */
	return 0;
}

static struct jr_value *parse_array(struct parser *ps)
{
	struct jr_value *v, *elem;
	size_t cap = 0;

	if (enter(ps))
		return NULL;
	v = new_node(ps, JR_ARRAY);
	if (!v)
		return NULL;
	skip_ws(ps);
	if (!at_end(ps) && *ps->p == ']')
		goto done;
	for (;;) {
		elem = parse_value(ps);
		if (!elem)
			goto fail;
		if (grow(ps, (void **)&v->u.arr.items, v->u.arr.n, &cap,
			 sizeof(*v->u.arr.items))) {
			jr_free(elem);
			goto fail;
		}
		v->u.arr.items[v->u.arr.n++] = elem;
		skip_ws(ps);
		if (!at_end(ps) && *ps->p == ',') {
			const char *comma = ps->p++;

			skip_ws(ps);
			if (!at_end(ps) && *ps->p == ']') {
				fail(ps, comma, "trailing comma before ']'");
				goto fail;
			}
			continue;
		}
		if (!at_end(ps) && *ps->p == ']')
			break;
		unexpected(ps, "',' or ']' after an array element");
		goto fail;
	}
done:
	ps->p++;
	ps->depth--;
	return v;
fail:
	jr_free(v);
	return NULL;
}

static struct jr_value *parse_object(struct parser *ps)
{
	struct jr_value *v, *key, *val;
	const char *comma = NULL;
	size_t cap = 0;

	if (enter(ps))
		return NULL;
	v = new_node(ps, JR_OBJECT);
	if (!v)
		return NULL;
	skip_ws(ps);
	if (!at_end(ps) && *ps->p == '}')
		goto done;
	for (;;) {
		if (at_end(ps) || *ps->p != '"') {
			if (comma && !at_end(ps) && *ps->p == '}')
				fail(ps, comma, "trailing comma before '}'");
			else
				unexpected(ps, "a string key");
			goto fail;
		}
		key = parse_string(ps);
		if (!key)
			goto fail;
		skip_ws(ps);
		if (at_end(ps) || *ps->p != ':') {
			jr_free(key);
			unexpected(ps, "':' after an object key");
			goto fail;
		}
		ps->p++;
		val = parse_value(ps);
		if (!val || grow(ps, (void **)&v->u.obj.members, v->u.obj.n,
				 &cap, sizeof(*v->u.obj.members))) {
			jr_free(key);
			jr_free(val);
			goto fail;
		}
		/* Duplicates are all kept; lookups search from the end, so
		 * the last one wins. */
		v->u.obj.members[v->u.obj.n++] = (struct jr_member){ key, val };
		skip_ws(ps);
		if (!at_end(ps) && *ps->p == ',') {
			comma = ps->p++;
			skip_ws(ps);
			continue;
		}
		if (!at_end(ps) && *ps->p == '}')
			break;
		unexpected(ps, "',' or '}' after an object member");
		goto fail;
	}
done:
	ps->p++;
	ps->depth--;
	return v;
fail:
	jr_free(v);
	return NULL;
}

static struct jr_value *parse_value(struct parser *ps)
{
	char c;

	skip_ws(ps);
	if (at_end(ps))
		return unexpected(ps, "a value");
	c = *ps->p;
	if (c == '{')
		return parse_object(ps);
	if (c == '[')
		return parse_array(ps);
	if (c == '"')
		return parse_string(ps);
	if (c == '-' || is_digit(c))
		return parse_number(ps);
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return parse_word(ps);
	return unexpected(ps, "a value");
}

static struct jr_value *parse(const char *text, size_t len,
			      const char *prefix, char *err, size_t errlen)
{
	struct parser ps = {
		.prefix = prefix, .err = err, .errlen = errlen,
	};
	struct jr_value *root;

	if (err && errlen)
		err[0] = '\0';
	/* NULL (only valid with len 0) reads as empty input; NULL + 0 would
	 * itself be undefined behaviour. */
	if (!text)
		text = "";
	ps.start = ps.p = text;
	ps.end = text + len;
	root = parse_value(&ps);
	if (root) {
		skip_ws(&ps);
		if (!at_end(&ps)) {
			unexpected(&ps, "end of input after the document");
			jr_free(root);
			root = NULL;
		}
	}
	if (ps.c_locale)
		freelocale(ps.c_locale);
	return root;
}

struct jr_value *jr_parse(const char *text, size_t len, char *err,
			  size_t errlen)
{
	return parse(text, len, "", err, errlen);
}

struct jr_value *jr_parse_file(const char *path, char *err, size_t errlen)
{
	struct jr_value *root;
	size_t len = 0, cap = 0;
	char *buf = NULL, *prefix;
	FILE *f;
	int e = 0;

	f = fopen(path, "rb");
	if (!f) {
		e = errno;
		goto cannot_read;
	}
	/* Read to EOF rather than trusting st_size, so pipes and /proc work
	 * too. */
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nbuf = ncap > cap ? realloc(buf, ncap) : NULL;

			if (!nbuf) {
				e = ENOMEM;
				break;
			}
			buf = nbuf;
			cap = ncap;
		}
		errno = 0;
		len += fread(buf + len, 1, cap - len, f);
		if (ferror(f)) {
			e = errno ? errno : EIO;
			break;
		}
		if (feof(f))
			break;
	}
	fclose(f);
	if (e)
		goto cannot_read;

	/* "PATH: " before "line L, column C: ..." */
	prefix = malloc(strlen(path) + 3);
	if (!prefix) {
		e = ENOMEM;
		goto cannot_read;
	}
	sprintf(prefix, "%s: ", path);
	root = parse(buf, len, prefix, err, errlen);
	free(prefix);
	free(buf);
	return root;

cannot_read:
	free(buf);
	if (err && errlen)
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
	return NULL;
}

void jr_free(struct jr_value *v)
{
	if (!v)
		return;
	if (v->type == JR_ARRAY) {
		for (size_t i = 0; i < v->u.arr.n; i++)
			jr_free(v->u.arr.items[i]);
		free(v->u.arr.items);
	} else if (v->type == JR_OBJECT) {
		for (size_t i = 0; i < v->u.obj.n; i++) {
			jr_free(v->u.obj.members[i].key);
			jr_free(v->u.obj.members[i].val);
		}
		free(v->u.obj.members);
	}
	free(v);
}

/* ---- lookups ---- */

enum jr_type jr_type(const struct jr_value *v)
{
	return v ? v->type : JR_NULL;
}

size_t jr_len(const struct jr_value *v)
{
	if (v && v->type == JR_ARRAY)
		return v->u.arr.n;
	if (v && v->type == JR_OBJECT)
		return v->u.obj.n;
	return 0;
}

const struct jr_value *jr_at(const struct jr_value *v, size_t i)
{
	if (!v || v->type != JR_ARRAY || i >= v->u.arr.n)
		return NULL;
	return v->u.arr.items[i];
}

static const struct jr_value *member(const struct jr_value *v,
				     const char *key, size_t klen)
{
	if (!v || v->type != JR_OBJECT)
		return NULL;
	/* From the end: with duplicate keys the last one wins. */
	for (size_t i = v->u.obj.n; i-- > 0;) {
		const struct jr_value *k = v->u.obj.members[i].key;

		if (k->u.str.len == klen && !memcmp(k->u.str.s, key, klen))
			return v->u.obj.members[i].val;
	}
	return NULL;
}

const struct jr_value *jr_get(const struct jr_value *v, const char *path)
{
	const char *p = path ? path : "";
	bool first = true;

	/* segment := key? ('[' index ']')*, segments joined by '.' */
	while (v && *p) {
		if (*p == '[') {
			size_t i = 0;

			p++;
			if (!is_digit(*p))
				return NULL;
			for (; is_digit(*p); p++) {
				size_t d = (size_t)(*p - '0');

				if (i > (SIZE_MAX - d) / 10)
					return NULL;
				i = i * 10 + d;
			}
			if (*p++ != ']')
				return NULL;
			v = jr_at(v, i);
		} else {
			size_t k;

			if (!first && *p++ != '.')
				return NULL;
			k = strcspn(p, ".[]");
			if (!k)
				return NULL;
			v = member(v, p, k);
			p += k;
		}
		first = false;
	}
	return v;
}

static const struct jr_value *number_at(const struct jr_value *v,
					const char *path)
{
	v = jr_get(v, path);
	return v && v->type == JR_NUMBER ? v : NULL;
}

int jr_u64(const struct jr_value *v, const char *path, uint64_t *out)
{
	v = number_at(v, path);
	if (!v || !v->u.num.exact || (v->u.num.neg && v->u.num.mag))
		return -1;
	*out = v->u.num.mag;
	return 0;
}

int jr_i64(const struct jr_value *v, const char *path, int64_t *out)
{
	uint64_t mag;

	v = number_at(v, path);
	if (!v || !v->u.num.exact)
		return -1;
	mag = v->u.num.mag;
	if (!v->u.num.neg || !mag) {
		if (mag > INT64_MAX)
			return -1;
		*out = (int64_t)mag;
	} else {
		/* -2^63 fits though +2^63 does not; negate in unsigned
		 * arithmetic so no signed overflow can occur. */
		if (mag > (uint64_t)INT64_MAX + 1)
			return -1;
		*out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN
						      : -(int64_t)mag;
	}
	return 0;
}

int jr_double(const struct jr_value *v, const char *path, double *out)
{
	v = number_at(v, path);
	if (!v)
		return -1;
	*out = v->u.num.d;
	return 0;
}

int jr_bool(const struct jr_value *v, const char *path, bool *out)
{
	v = jr_get(v, path);
	if (!v || v->type != JR_BOOL)
		return -1;
	*out = v->u.b;
	return 0;
}

const char *jr_string(const struct jr_value *v, const char *path)
{
	v = jr_get(v, path);
	return v && v->type == JR_STRING ? v->u.str.s : NULL;
}
