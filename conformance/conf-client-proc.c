/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The processes of the vfio-user client target (conf.h): the client under
 * test and the built-in server behind the proxy (conf-client.c).
 *
 * The client command runs through /bin/sh with {socket} replaced by the path
 * of a socket we listen on in a private temp dir, in its own process group
 * (stdout to /dev/null, stderr to a pipe we keep the tail of,
 * PR_SET_PDEATHSIG so a case killed for a TIMEOUT takes at least the shell,
 * or the client it execs, along). It is stopped with SIGTERM, then SIGKILL
 * for the whole group, and reaped; the built-in server leaves by itself when
 * its socket closes and is killed if it does not.
 */
#define _GNU_SOURCE	/* pipe2, accept4 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "include/vfsim.h"
#include "conf-int.h"
#include "conf-client-int.h"

uint64_t conf_cl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Keep the last bytes of the client's stderr; never blocks. */
void conf_cl_drain_err(struct conf_cl_proc *pr)
{
	size_t cap = sizeof(pr->tail) - 1;
	unsigned rounds;

	for (rounds = 0; pr->errfd >= 0 && rounds < 64; rounds++) {
		char buf[4096];
		ssize_t n = read(pr->errfd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			close(pr->errfd);
			pr->errfd = -1;
			return;
		}
		if ((size_t)n >= cap) {
			memcpy(pr->tail, buf + n - cap, cap);
			pr->ntail = cap;
		} else {
			size_t keep = pr->ntail < cap - (size_t)n ? pr->ntail : cap - (size_t)n;

			memmove(pr->tail, pr->tail + pr->ntail - keep, keep);
			memcpy(pr->tail + keep, buf, (size_t)n);
			pr->ntail = keep + (size_t)n;
		}
	}
}

void conf_cl_reap(struct conf_cl_proc *pr, bool block)
{
	pid_t w;

	if (pr->pid <= 0 || pr->exited)
		return;
	do
		w = waitpid(pr->pid, &pr->status, block ? 0 : WNOHANG);
	while (w < 0 && errno == EINTR);
	if (w == pr->pid || (w < 0 && errno == ECHILD))
		pr->exited = true;
}

/* Wait up to @ms for the leader to exit, reading its stderr meanwhile. */
void conf_cl_wait_exit(struct conf_cl_proc *pr, unsigned ms)
{
	uint64_t end = conf_cl_now() + ms;

	conf_cl_reap(pr, false);
	while (!pr->exited && conf_cl_now() < end) {
		conf_cl_drain_err(pr);
		conf_sleep_ms(5);
		conf_cl_reap(pr, false);
	}
}

static void conf_cl_exec(const char *line, int errw, pid_t parent)
{
	static const int dfl[] = { SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGSEGV, SIGBUS, SIGABRT };
	sigset_t none;
	size_t i;
	long fmax;
	int fd;

	setpgid(0, 0);
	/* The case's child may be killed for a TIMEOUT: take the client along. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125);
	for (i = 0; i < sizeof(dfl) / sizeof(dfl[0]); i++)
		signal(dfl[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(errw, 2) < 0)
		_exit(126);
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3u, ~0u, 0u) == 0)
		fmax = 0;
	else
#endif
		fmax = sysconf(_SC_OPEN_MAX);
	if (fmax < 0 || fmax > 65536)
		fmax = 65536;
	for (fd = 3; fd < fmax; fd++)
		close(fd);
	execl("/bin/sh", "sh", "-c", line, (char *)NULL);
	_exit(127);
}

/* The temp dir, the listening socket, the client's process. 0 or -errno
 * with @err written; what was made is undone by conf_cl_proc_end. */
int conf_cl_start(struct conf_cl_proc *pr, const char *cmd, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *line;
	int ep[2], r;
	pid_t pid, self = getpid();

	r = conf_mkdtemp(pr->dir, sizeof(pr->dir), "/tmp/vfsim-client-");
	if (r < 0) {
		snprintf(err, errlen, "cannot make a temp dir for the socket: %s", strerror(-r));
		return r;
	}
	snprintf(pr->sock, sizeof(pr->sock), "%s/vu.sock", pr->dir);
	memcpy(sa.sun_path, pr->sock, strlen(pr->sock) + 1);
	pr->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (pr->lfd < 0 || bind(pr->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(pr->lfd, 4) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot listen on %s: %s", pr->sock, strerror(-r));
		return r;
	}
	line = malloc(CONF_CL_CMD_MAX);
	if (!line)
		return -ENOMEM;
	/* A command without {socket} runs as it is (it ends NO_CONNECT unless
	 * it finds the socket another way). */
	r = conf_subst_socket(cmd, pr->sock, line, CONF_CL_CMD_MAX);
	if (r < 0) {
		snprintf(err, errlen, "the client command is longer than %u bytes", CONF_CL_CMD_MAX);
		free(line);
		return r;
	}
	pr->no_socket = r == 0;
	if (pipe2(ep, O_CLOEXEC | O_NONBLOCK) < 0) {
		r = -errno;
		snprintf(err, errlen, "pipe: %s", strerror(-r));
		free(line);
		return r;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		conf_cl_exec(line, ep[1], self);
	r = pid < 0 ? -errno : 0;
	free(line);
	close(ep[1]);
	pr->errfd = ep[0];
	if (r < 0) {
		snprintf(err, errlen, "cannot fork the client: %s", strerror(-r));
		return r;
	}
	/* Both sides set the group, so a kill right after fork reaches it. */
	setpgid(pid, pid);
	pr->pid = pid;
#ifdef SYS_pidfd_open
	pr->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	return 0;
}

/* The client's connection: fd, -ECHILD it exited first, -ETIMEDOUT, -errno. */
int conf_cl_accept(struct conf_cl_proc *pr, uint64_t deadline)
{
	for (;;) {
		struct pollfd pfd[3] = { { .fd = pr->lfd, .events = POLLIN }, { .fd = pr->errfd, .events = POLLIN },
					 { .fd = pr->exited ? -1 : pr->pidfd, .events = POLLIN } };
		uint64_t now = conf_cl_now();
		int fd, timeout;

		fd = accept4(pr->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd >= 0)
			return fd;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
			return -errno;
		/* Checked after accept: a client that connected and left is still seen. */
		if (pr->exited)
			return -ECHILD;
		if (now >= deadline)
			return -ETIMEDOUT;
		timeout = (int)(deadline - now);
		if (pr->pidfd < 0 && timeout > CONF_CL_TICK_MS)
			timeout = CONF_CL_TICK_MS;
		if (poll(pfd, 3, timeout) < 0 && errno != EINTR)
			return -errno;
		conf_cl_drain_err(pr);
		conf_cl_reap(pr, false);
	}
}

/* The temp dir with the socket in it. */
void conf_cl_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	if (d) {
		while ((e = readdir(d)) && n++ < 64) {
			char path[512];

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* Stop the group (SIGTERM, SIGKILL after CONF_CL_TERM_MS), reap the leader,
 * keep the rest of its stderr, remove the temp dir. */
void conf_cl_proc_end(struct conf_cl_proc *pr, struct conf_cl_session *ss)
{
	unsigned i;

	if (pr->pid > 0) {
		conf_cl_reap(pr, false);
		if (!pr->exited) {
			ss->stopped = true;
			kill(-pr->pid, SIGTERM);
			kill(-pr->pid, SIGCONT);
			conf_cl_wait_exit(pr, CONF_CL_TERM_MS);
		}
		/* What the shell left behind in its group goes too. */
		kill(-pr->pid, SIGKILL);
		conf_cl_reap(pr, true);
		ss->exited = pr->exited;
		ss->status = pr->status;
	}
	/* Every writer is gone now (unless one left the group): read to EOF, bounded. */
	for (i = 0; pr->errfd >= 0 && i < 10; i++) {
		struct pollfd pfd = { .fd = pr->errfd, .events = POLLIN };

		if (poll(&pfd, 1, 10) <= 0)
			break;
		conf_cl_drain_err(pr);
	}
	if (pr->errfd >= 0)
		close(pr->errfd);
	if (pr->pidfd >= 0)
		close(pr->pidfd);
	if (pr->lfd >= 0)
		close(pr->lfd);
	for (i = 0; i < pr->ntail; i++)
		ss->stderr_tail[i] = pr->tail[i] == '\n' || pr->tail[i] == '\r' || !pr->tail[i] ? '|' : pr->tail[i];
	while (i && ss->stderr_tail[i - 1] == '|')
		i--;
	ss->stderr_tail[i] = '\0';
	if (pr->dir[0])
		conf_cl_rmdir(pr->dir);
	memset(pr, 0, sizeof(*pr));
	pr->pidfd = pr->errfd = pr->lfd = -1;
}

void conf_cl_reap_server(struct conf_cl_session *ss, int pid)
{
	uint64_t end = conf_cl_now() + CONF_CL_SERVER_MS;
	pid_t w;

	if (pid <= 0)
		return;
	while ((w = waitpid(pid, &ss->server_status, WNOHANG)) == 0 && conf_cl_now() < end)
		conf_sleep_ms(2);
	if (w == 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &ss->server_status, 0) < 0 && errno == EINTR)
			;
	}
}
