// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * format.c - netctl --format: the subset of docker's Go templates people type: literal text,
 * '{{.Field}}' and '{{.Field.Sub}}', '{{json .}}' and '{{json .Field}}', "\t" and "\n", and a
 * leading "table" for a header row and aligned columns.  Fields are netd's JSON keys, matched
 * case-insensitively and ignoring '_' ("{{.HostIfname}}" is host_ifname), so docker habits
 * work.  A missing field prints "<no value>", as a Go template on a map does.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

#define FORMAT_MAX_COLS 32
#define FORMAT_ACTION_MAX 256

/* a growing string; on allocation failure it stays short and ->failed is set */
struct sbuf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void sb_add(struct sbuf *b, const char *p, size_t n)
{
	char *q;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;

		q = realloc(b->s, cap);
		if (!q) {
			b->failed = true;
			return;
		}
		b->s = q;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* "host_ifname" equals "HostIfname": case and '_' / '-' do not count */
static bool key_matches(const char *key, const char *want, size_t want_len)
{
	size_t i = 0;

	for (;; key++) {
		while (*key == '_' || *key == '-')
			key++;
		while (i < want_len && (want[i] == '_' || want[i] == '-'))
			i++;
		if (!*key || i == want_len)
			return !*key && i == want_len;
		if (tolower((unsigned char)*key) != tolower((unsigned char)want[i]))
			return false;
		i++;
	}
}

static const json_t *field(const json_t *o, const char *name, size_t len)
{
	const char *key;
	const json_t *v;

	if (!json_is_object(o))
		return NULL;
	json_object_foreach ((json_t *)o, key, v)
		if (strlen(key) == len && strncmp(key, name, len) == 0)
			return v;
	json_object_foreach ((json_t *)o, key, v)
		if (key_matches(key, name, len))
			return v;
	return NULL;
}

/* ".a.b" from @v, or @v itself for "." */
static const json_t *lookup(const json_t *v, const char *path)
{
	const char *p = path + 1;

	while (*p && v) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);

		v = field(v, p, len);
		p += len;
		if (*p == '.')
			p++;
	}
	return v;
}

static void value(struct sbuf *b, const json_t *v, bool as_json)
{
	char num[64];
	char *text;

	if (!v) {
		sb_str(b, as_json ? "null" : "<no value>");
		return;
	}
	if (!as_json && json_is_string(v)) {
		sb_str(b, json_string_value(v));
		return;
	}
	if (!as_json && json_is_integer(v)) {
		(void)snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		sb_str(b, num);
		return;
	}
	if (!as_json && json_is_null(v))
		return;
	text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!text) {
		b->failed = true;
		return;
	}
	sb_str(b, text);
	free(text);
}

/*
 * One action between "{{" and "}}": ".Path" or "json .Path".  With @header, the column title
 * instead: the last path element in capitals, as docker prints them.
 */
static int action(struct sbuf *b, const char *a, const json_t *v, bool header)
{
	bool as_json = false;
	const char *path, *last;

	while (*a == ' ')
		a++;
	if (strncmp(a, "json ", 5) == 0) {
		as_json = true;
		a += 5;
		while (*a == ' ')
			a++;
	}
	path = a;
	if (path[0] != '.')
		return -EINVAL;
	for (a = path + 1; *a; a++)
		if (!isalnum((unsigned char)*a) && *a != '_' && *a != '-' && *a != '.')
			return -EINVAL;
	if (!header) {
		value(b, lookup(v, path), as_json);
		return 0;
	}
	last = strrchr(path, '.') + 1;
	if (!*last) {
		sb_str(b, as_json ? "JSON" : "VALUE");
		return 0;
	}
	for (a = last; *a; a++) {
		char c = (char)toupper((unsigned char)*a);

		sb_add(b, &c, 1);
	}
	return 0;
}

/* expand @tmpl for @v (or the header row) into @b; -EINVAL on a malformed template */
static int render(struct sbuf *b, const char *tmpl, const json_t *v, bool header)
{
	const char *p = tmpl;

	while (*p) {
		if (p[0] == '{' && p[1] == '{') {
			const char *end = strstr(p + 2, "}}");
			char a[FORMAT_ACTION_MAX];
			size_t n;

			if (!end)
				return -EINVAL;
			n = (size_t)(end - p - 2);
			if (n >= sizeof(a))
				return -EINVAL;
			memcpy(a, p + 2, n);
			while (n > 0 && a[n - 1] == ' ')
				n--;
			a[n] = '\0';
			if (action(b, a, v, header) < 0)
				return -EINVAL;
			p = end + 2;
		} else if (p[0] == '\\' && (p[1] == 't' || p[1] == 'n')) {
			sb_add(b, p[1] == 't' ? "\t" : "\n", 1);
			p += 2;
		} else {
			sb_add(b, p, 1);
			p++;
		}
	}
	return 0;
}

static bool is_table(const char **tmpl)
{
	if (strncmp(*tmpl, "table", 5) != 0 || ((*tmpl)[5] != ' ' && (*tmpl)[5] != '\0'))
		return false;
	*tmpl += 5;
	while (**tmpl == ' ')
		(*tmpl)++;
	return true;
}

/**
 * format_check() - whether @tmpl is a template format_print() can expand
 * @tmpl:	template
 * @err:	what is wrong, on failure
 * @err_len:	size of @err
 *
 * Return: 0 or -EINVAL
 */
int format_check(const char *tmpl, char *err, size_t err_len)
{
	struct sbuf b = { 0 };
	int r;

	(void)is_table(&tmpl);
	r = render(&b, tmpl, NULL, true);
	free(b.s);
	if (r < 0)
		(void)snprintf(err, err_len,
			       "invalid --format '%s': use text with {{.Field}}, {{json .Field}} "
			       "or {{json .}}, optionally after 'table'",
			       tmpl);
	return r;
}

/* print rows of tab-separated cells as aligned columns, three spaces apart */
static void print_aligned(FILE *f, char **rows, size_t n)
{
	size_t width[FORMAT_MAX_COLS] = { 0 }, r, c;

	for (r = 0; r < n; r++) {
		char *p = rows[r];

		for (c = 0; p && c < FORMAT_MAX_COLS; c++) {
			char *tab = strchr(p, '\t');
			size_t w = tab ? (size_t)(tab - p) : strlen(p);

			if (tab && w > width[c])
				width[c] = w;
			p = tab ? tab + 1 : NULL;
		}
	}
	for (r = 0; r < n; r++) {
		char *p = rows[r];

		for (c = 0; p; c++) {
			char *tab = strchr(p, '\t');

			if (tab && c < FORMAT_MAX_COLS) {
				(void)fprintf(f, "%-*.*s   ", (int)width[c], (int)(tab - p), p);
				p = tab + 1;
			} else {
				(void)fprintf(f, "%s\n", p);
				p = NULL;
			}
		}
	}
}

/**
 * format_print() - print @v through @tmpl: an array a line per element, anything else once
 * @f:		stream
 * @tmpl:	template, checked with format_check()
 * @v:		netd's JSON answer
 *
 * Return: 0, -EINVAL for a malformed template, -ENOMEM
 */
int format_print(FILE *f, const char *tmpl, const json_t *v)
{
	size_t n = json_is_array(v) ? json_array_size(v) : 1, i, n_rows = 0;
	bool table = is_table(&tmpl);
	char **rows;
	int r = 0;

	rows = calloc(n + 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (i = 0; i < n + 1 && r == 0; i++) {
		struct sbuf b = { 0 };

		if (i == 0 && !table)
			continue;
		sb_str(&b, "");
		r = render(&b, tmpl, i == 0 ? NULL : json_is_array(v) ? json_array_get(v, i - 1) : v,
			   i == 0);
		if (b.failed)
			r = -ENOMEM;
		if (r < 0) {
			free(b.s);
			break;
		}
		rows[n_rows++] = b.s;
	}
	if (r == 0) {
		if (table)
			print_aligned(f, rows, n_rows);
		else
			for (i = 0; i < n_rows; i++)
				(void)fprintf(f, "%s\n", rows[i]);
	}
	for (i = 0; i < n_rows; i++)
		free(rows[i]);
	free(rows);
	return r;
}
