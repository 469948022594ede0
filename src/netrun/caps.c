// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * caps.c - Docker's default capability set and no_new_privs for the container's processes, and
 * --user's switch to another user
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "netrun.h"

/*
 * moby's oci/caps/defaults.go, what `docker run` keeps, less CAP_MKNOD (as Podman's defaults):
 * Docker lets containers make device nodes because its devices cgroup stops them opening
 * them; netrun has none (cgroup v2 needs a BPF program for it), so no node is made at all
 */
static const int default_caps[] = {
	CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,	     CAP_FOWNER,
	CAP_NET_RAW, CAP_SETGID,       CAP_SETUID,	     CAP_SETFCAP,
	CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,   CAP_KILL,
	CAP_AUDIT_WRITE,
};

static bool cap_default(int cap)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(default_caps); i++)
		if (default_caps[i] == cap)
			return true;
	return false;
}

/**
 * caps_restrict() - reduce the bounding, effective, permitted and inheritable sets to Docker's
 *		     default capabilities, clear the ambient set and set no_new_privs
 * @e:		error context
 *
 * Root keeps exactly the bounding set across execve(), so the workload gets the default set.
 *
 * Return: 0 or negative errno
 */
int caps_restrict(struct netd_error *e)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	int cap;
	size_t i;

	for (cap = 0; cap <= 63; cap++) {
		if (cap_default(cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		/* EINVAL: past the kernel's last capability */
		if (errno == EINVAL)
			break;
		return err_set(e, errno, "drop capability %d from the bounding set: %s", cap,
			       strerror(errno));
	}
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(data, 0, sizeof(data));
	for (i = 0; i < ARRAY_SIZE(default_caps); i++) {
		unsigned int c = (unsigned int)default_caps[i];

		data[c / 32].effective |= 1U << (c % 32);
		data[c / 32].permitted |= 1U << (c % 32);
		data[c / 32].inheritable |= 1U << (c % 32);
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return err_set(e, errno, "capset: %s", strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_set(e, errno, "no_new_privs: %s", strerror(errno));
	return 0;
}

/**
 * user_switch() - become @uid:@gid with no supplementary groups
 * @uid:	user id
 * @gid:	group id
 * @e:		error context
 *
 * Groups first: once the user id is not 0, CAP_SETGID is gone. A process that is no longer
 * root loses its effective and permitted capabilities here and gets none at execve().
 *
 * Return: 0 or negative errno
 */
int user_switch(uid_t uid, gid_t gid, struct netd_error *e)
{
	if (setgroups(0, NULL) < 0)
		return err_set(e, errno, "setgroups: %s", strerror(errno));
	if (setresgid(gid, gid, gid) < 0)
		return err_set(e, errno, "setresgid %u: %s", (unsigned int)gid, strerror(errno));
	if (setresuid(uid, uid, uid) < 0)
		return err_set(e, errno, "setresuid %u: %s", (unsigned int)uid, strerror(errno));
	return 0;
}
