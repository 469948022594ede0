// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http_parse.c - netrun's HTTP/1.x response parser (pure: no syscalls): the status, and a body
 * delimited by Content-Length, by chunked transfer coding (decoded in place) or by EOF
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netrun.h"

/* an unsigned decimal or hexadecimal number up to HTTP_MAX_RESPONSE; -1 when there is none */
static long number(const char *s, const char *end, int base)
{
	char digits[24], *stop;
	size_t n = 0;
	unsigned long v;

	while (s + n < end && n < sizeof(digits) - 1 && s[n] &&
	       strchr(base == 16 ? "0123456789abcdefABCDEF" : "0123456789", s[n]))
		n++;
	if (!n)
		return -1;
	memcpy(digits, s, n);
	digits[n] = '\0';
	errno = 0;
	v = strtoul(digits, &stop, base);
	if (errno || *stop || v > HTTP_MAX_RESPONSE)
		return -1;
	return (long)v;
}

/* the value of header @name (case-insensitive) in the header block [@h, @end), or NULL */
static const char *header(const char *h, const char *end, const char *name)
{
	size_t n = strlen(name);

	for (h = memmem(h, (size_t)(end - h), "\r\n", 2); h && h < end;
	     h = memmem(h, (size_t)(end - h), "\r\n", 2)) {
		h += 2;
		if ((size_t)(end - h) > n && strncasecmp(h, name, n) == 0 && h[n] == ':') {
			h += n + 1;
			while (h < end && (*h == ' ' || *h == '\t'))
				h++;
			return h;
		}
	}
	return NULL;
}

/*
 * chunked transfer coding: first checked whole (so a partial body stays as it came, to be
 * parsed again with more), then decoded in place. Return: 0, -EAGAIN or -EPROTO
 */
static int dechunk(char *body, size_t len, size_t *ret_len)
{
	size_t in = 0, out = 0;
	bool decode;

	for (decode = false;; decode = true) {
		in = out = 0;
		for (;;) {
			char *eol = memmem(body + in, len - in, "\r\n", 2);
			long n;

			if (!eol)
				return -EAGAIN;
			n = number(body + in, eol, 16);
			if (n < 0)
				return -EPROTO;
			in = (size_t)(eol - body) + 2;
			/* the last chunk: then trailer lines (none from netd) and an empty line */
			if (n == 0) {
				while ((eol = memmem(body + in, len - in, "\r\n", 2)) !=
				       body + in) {
					if (!eol)
						return -EAGAIN;
					in = (size_t)(eol - body) + 2;
				}
				break;
			}
			if (len - in < (size_t)n + 2)
				return -EAGAIN;
			if (memcmp(body + in + n, "\r\n", 2) != 0)
				return -EPROTO;
			if (decode)
				memmove(body + out, body + in, (size_t)n);
			out += (size_t)n;
			in += (size_t)n + 2;
		}
		if (decode)
			break;
	}
	*ret_len = out;
	return 0;
}

/**
 * http_parse() - whether @buf holds a whole HTTP/1.x response, and where its body is
 * @buf:	what was received so far (a chunked body is decoded in place once it is whole)
 * @len:	its length
 * @eof:	the peer has closed the connection: a body without a length ends here
 * @ret:	status, body offset and length, when whole
 *
 * Return: 0 when whole, -EAGAIN when more must come, -EPROTO when garbled (or cut short by
 * @eof), -EMSGSIZE when the headers pass HTTP_MAX_HEADERS
 */
int http_parse(char *buf, size_t len, bool eof, struct http_response *ret)
{
	const char *hend = memmem(buf, len, "\r\n\r\n", 4), *v;
	size_t hlen, blen;
	long clen = -1;
	char line[16];
	int status, r;

	if (!hend) {
		if (len > HTTP_MAX_HEADERS)
			return -EMSGSIZE;
		return eof ? -EPROTO : -EAGAIN;
	}
	hlen = (size_t)(hend - buf) + 4;
	/* "HTTP/1.1 200 OK": three digits after the version */
	memcpy(line, buf, len < sizeof(line) - 1 ? len : sizeof(line) - 1);
	line[len < sizeof(line) - 1 ? len : sizeof(line) - 1] = '\0';
	if (strncmp(line, "HTTP/1.", 7) != 0 || (line[7] != '0' && line[7] != '1') ||
	    line[8] != ' ' || sscanf(line + 9, "%3d", &status) != 1 || status < 100 || status > 599)
		return -EPROTO;
	v = header(buf, hend + 2, "Transfer-Encoding");
	if (v) {
		if (strncasecmp(v, "chunked", 7) != 0)
			return -EPROTO;
		r = dechunk(buf + hlen, len - hlen, &blen);
		if (r == -EAGAIN && eof)
			return -EPROTO;
		if (r < 0)
			return r;
	} else {
		v = header(buf, hend + 2, "Content-Length");
		if (v) {
			clen = number(v, hend + 2, 10);
			if (clen < 0)
				return -EPROTO;
		}
		if (clen >= 0 && len - hlen < (size_t)clen)
			return eof ? -EPROTO : -EAGAIN;
		if (clen < 0 && !eof)
			return -EAGAIN;
		blen = clen >= 0 ? (size_t)clen : len - hlen;
	}
	ret->status = status;
	ret->body = hlen;
	ret->body_len = blen;
	return 0;
}
