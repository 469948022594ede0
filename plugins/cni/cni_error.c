// SPDX-License-Identifier: GPL-2.0-or-later
/* cni_error.c - CNI errors: well-known codes from errnos, and their JSON on stdout */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <netd/error.h>

#include "cni.h"

/**
 * cni_err() - fill a CNI error
 * @ce:		error, or NULL
 * @code:	well-known CNI code (1-99) or a plugin code (100+)
 * @msg:	short message
 * @fmt:	details format (may be NULL)
 *
 * Return: -1, so callers can `return cni_err(...)`
 */
int cni_err(struct cni_error *ce, int code, const char *msg, const char *fmt, ...)
{
	va_list ap;

	if (!ce)
		return -1;
	ce->code = code;
	STRLCPY(ce->msg, msg);
	ce->details[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		(void)vsnprintf(ce->details, sizeof(ce->details), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/**
 * cni_err_from_errno() - fill a CNI error for a failure netd or the kernel reported as an errno
 * @ce:		error, or NULL
 * @err:	errno, either sign
 * @msg:	short message
 * @details:	netd's message
 *
 * A netd that cannot be reached (refused, missing socket, timeout) is "try again later" (11):
 * the runtime may retry once netd runs. Unknown errnos are I/O failures (5).
 *
 * Return: -1
 */
int cni_err_from_errno(struct cni_error *ce, int err, const char *msg, const char *details)
{
	int code;

	if (err < 0)
		err = -err;
	switch (err) {
	case ECONNREFUSED:
	case ETIMEDOUT:
	case EAGAIN:
		code = CNI_ERR_TRY_AGAIN;
		break;
	case EPROTO:
	case EMSGSIZE:
		code = CNI_ERR_IO;
		break;
	default:
		code = errno_to_cni(err);
		if (code == 999)
			code = CNI_ERR_IO;
		break;
	}
	return cni_err(ce, code, msg, "%s", details && *details ? details : strerror(err));
}

/**
 * cni_error_to_json() - the error object the spec prints on stdout
 * @ce:		error
 * @version:	cniVersion of the config, or NULL when it could not be read
 *
 * Return: new JSON object, NULL on ENOMEM
 */
json_t *cni_error_to_json(const struct cni_error *ce, const char *version)
{
	json_t *o;

	o = json_pack("{s:s, s:i, s:s}", "cniVersion",
		      version && *version ? version : cni_version_name(CNI_VERSION_MAX - 1), "code",
		      ce->code, "msg", ce->msg);
	if (o && ce->details[0])
		(void)json_object_set_new(o, "details", json_string(ce->details));
	return o;
}
