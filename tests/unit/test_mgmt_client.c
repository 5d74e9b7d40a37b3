/*
 * tests/unit/test_mgmt_client.c — the management client's own address
 * (mgmt/client.h) with real AF_UNIX sockets in temporary directories: a
 * socket file "hvptpctl.PID.RANDOM", mode 0666, in the directory of the
 * daemon's socket when the client may write there, which the daemon's
 * answer reaches and which close removes; an abstract address for a user
 * who may not, and on silence the request again from a socket file in
 * $XDG_RUNTIME_DIR (the daemon sees both requests, from the two
 * addresses); nothing left behind by a failed open or by hvptpctl killed
 * with SIGTERM while it waits.  A "daemon" here is a bare socket the test
 * reads.  As root, the user who may not write is nobody (a forked child);
 * otherwise the directory is made read-only.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "bc/tlv.h"
#include "mgmt/client.h"
#include "mgmt/ctl.h"

struct fx {
	char dir[64]; /* the "daemon's" directory */
	char xdg[64]; /* the user's runtime directory */
	char sock[96]; /* the "daemon's" socket */
	int fd;
};

static struct fx fx;

static int setup(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	(void)state;
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/hvptp-client.XXXXXX");
	snprintf(fx.xdg, sizeof(fx.xdg), "/tmp/hvptp-xdg.XXXXXX");
	if (!mkdtemp(fx.dir) || !mkdtemp(fx.xdg))
		return -1;
	/* nobody must reach the socket, and write in xdg */
	chmod(fx.dir, 0755);
	if (geteuid() == 0 && chown(fx.xdg, 65534, 65534) < 0)
		return -1;
	snprintf(fx.sock, sizeof(fx.sock), "%s/daemon", fx.dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", fx.sock);
	fx.fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fx.fd < 0 || bind(fx.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	chmod(fx.sock, 0666);
	return 0;
}

/* The names in dir that start with "hvptpctl." */
static int client_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strncmp(e->d_name, "hvptpctl.", 9) == 0;
	closedir(d);
	return n;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	close(fx.fd);
	chmod(fx.dir, 0700);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", fx.dir, fx.xdg);
	return system(cmd) == 0 ? 0 : -1;
}

/* One datagram for the daemon, without waiting: its length, and the
 * sender's address in from (fromlen). */
static ssize_t daemon_recv(struct sockaddr_un *from, socklen_t *fromlen)
{
	uint8_t buf[1500];

	*fromlen = sizeof(*from);
	memset(from, 0, sizeof(*from));
	return recvfrom(fx.fd, buf, sizeof(buf), MSG_DONTWAIT,
			(struct sockaddr *)from, fromlen);
}

/* Root (or the owner): the socket file beside the daemon's, 0666; the
 * daemon's answer reaches it; close removes it. */
static void test_file_in_daemon_dir(void **state)
{
	struct mgmt_client c;
	struct sockaddr_un from;
	struct mgmt_replies *r = calloc(1, sizeof(*r));
	struct stat st;
	socklen_t fromlen;
	char want[96], got[8];

	(void)state;
	assert_non_null(r);
	assert_int_equal(mgmt_client_open(&c, fx.sock, 50, 0), 0);
	snprintf(want, sizeof(want), "%s/hvptpctl.%d.", fx.dir, (int)getpid());
	assert_memory_equal(c.self_path, want, strlen(want));
	assert_false(c.may_fall_back);
	assert_int_equal(stat(c.self_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0666);
	/* a request: the daemon sees it from that file, and can answer */
	assert_int_equal(mgmt_client_ask(&c, PTP_MGMT_GET, BC_MID_PRIORITY1,
					 0, NULL, 0, r), -ETIMEDOUT);
	assert_true(daemon_recv(&from, &fromlen) > 0);
	assert_string_equal(from.sun_path, c.self_path);
	assert_int_equal(sendto(fx.fd, "hi", 2, 0, (struct sockaddr *)&from,
				fromlen), 2);
	assert_int_equal(recv(c.fd, got, sizeof(got), MSG_DONTWAIT), 2);
	assert_int_equal(client_files(fx.dir), 1);
	mgmt_client_close(&c);
	assert_int_equal(client_files(fx.dir), 0);
	assert_int_equal(c.fd, -1);
	free(r);
}

/* A relative socket path: the client's file is named absolutely (the
 * daemon answers from its own working directory). */
static void test_relative_path(void **state)
{
	char cwd[256];
	struct mgmt_client c;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(fx.dir), 0);
	assert_int_equal(mgmt_client_open(&c, "daemon", 50, 0), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_memory_equal(c.self_path, fx.dir, strlen(fx.dir));
	assert_non_null(strstr(c.self_path, "/hvptpctl."));
	assert_int_equal(client_files(fx.dir), 1);
	mgmt_client_close(&c);
	assert_int_equal(client_files(fx.dir), 0);
}

/* A failed open leaves no file: a missing socket, a file that is not a
 * socket, a socket nobody serves. */
static void test_open_errors_leave_nothing(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct mgmt_client c;
	char path[96], h[512];
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/missing", fx.dir);
	assert_int_equal(mgmt_client_open(&c, path, 50, 0), -ENOENT);
	snprintf(path, sizeof(path), "%s/plain", fx.dir);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mgmt_client_open(&c, path, 50, 0), -ECONNREFUSED);
	mgmt_client_hint(-ECONNREFUSED, path, 50, h, sizeof(h));
	assert_non_null(strstr(h, "/plain is not a socket: not hvptpd's "
				  "management socket (-s PATH)"));
	snprintf(path, sizeof(path), "%s/stale", fx.dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(mgmt_client_open(&c, path, 50, 0), -ECONNREFUSED);
	mgmt_client_hint(-ECONNREFUSED, path, 50, h, sizeof(h));
	assert_non_null(strstr(h, "nothing listens on "));
	assert_int_equal(client_files(fx.dir), 0);
}

/* In a child that may not write in fx.dir: abstract first, then on
 * silence a socket file in $XDG_RUNTIME_DIR, removed at close.  Exit
 * status: 0, or the step that failed. */
static int user_child(void)
{
	struct mgmt_replies *r = calloc(1, sizeof(*r));
	struct mgmt_client c;
	struct stat st;
	int rc;

	if (!r || setenv("XDG_RUNTIME_DIR", fx.xdg, 1) < 0)
		return 10;
	if (mgmt_client_open(&c, fx.sock, 50, 0) < 0)
		return 11;
	if (c.self_path[0] || !c.may_fall_back)
		return 12;
	rc = mgmt_client_ask(&c, PTP_MGMT_GET, BC_MID_PRIORITY1, 0, NULL, 0, r);
	if (rc != -ETIMEDOUT)
		return 13;
	if (strncmp(c.self_path, fx.xdg, strlen(fx.xdg)) != 0 ||
	    c.may_fall_back)
		return 14;
	if (stat(c.self_path, &st) < 0 || (st.st_mode & 0777) != 0666)
		return 15;
	mgmt_client_close(&c);
	if (client_files(fx.xdg) != 0)
		return 16;
	free(r);
	return 0;
}

static void test_user_abstract_then_file(void **state)
{
	struct sockaddr_un from;
	socklen_t fromlen;
	int st;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		chmod(fx.dir, 0555);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(99);
		_exit(user_child());
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	chmod(fx.dir, 0755);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 99)
		skip();
	if (WEXITSTATUS(st) != 0)
		fail_msg("the user's client failed at step %d",
			 WEXITSTATUS(st));
	/* the daemon got the request twice: abstract, then the file */
	assert_true(daemon_recv(&from, &fromlen) > 0);
	assert_true(fromlen > sizeof(sa_family_t));
	assert_int_equal(from.sun_path[0], '\0');
	assert_true(daemon_recv(&from, &fromlen) > 0);
	assert_memory_equal(from.sun_path, fx.xdg, strlen(fx.xdg));
	assert_non_null(strstr(from.sun_path, "/hvptpctl."));
	assert_true(daemon_recv(&from, &fromlen) < 0);
	assert_int_equal(client_files(fx.dir), 0);
}

/* hvptpctl waiting for an answer, killed by SIGTERM: it dies of the
 * signal, and its socket file is gone. */
static void test_signal_removes_file(void **state)
{
	int st, i;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { "hvptpctl", "-s", fx.sock, "-t", "20000",
				 "get", "PRIORITY1", NULL };

		_exit(mgmt_ctl_main(7, argv, stdout, stderr));
	}
	for (i = 0; i < 1000 && client_files(fx.dir) == 0; i++)
		usleep(10000);
	assert_int_equal(client_files(fx.dir), 1);
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
	assert_int_equal(client_files(fx.dir), 0);
}

/* The hints name the path, and for EACCES the socket's group. */
static void test_hints(void **state)
{
	char h[512], path[128];

	(void)state;
	mgmt_client_hint(-ENOENT, "/var/run/hvptpd", 1000, h, sizeof(h));
	assert_string_equal(h, "no hvptpd socket at /var/run/hvptpd: is it "
			       "running? (-s PATH)");
	snprintf(path, sizeof(path), "%s/daemon", fx.dir);
	if (chown(path, 0, 65534) < 0) /* not root: skip the group case */
		return;
	chmod(path, 0660);
	mgmt_client_hint(-EACCES, path, 1000, h, sizeof(h));
	assert_non_null(strstr(h, "(mode 0660, group "));
	assert_non_null(strstr(h, "use the read-only socket (hvptpd's "
				  "uds_ro_address), or run as a member of "
				  "group "));
	mgmt_client_hint(-EACCES, MGMT_CLIENT_DEFAULT_SOCKET, 1000, h,
			 sizeof(h));
	assert_non_null(strstr(h, "use the read-only socket -s "
				  MGMT_CLIENT_DEFAULT_RO_SOCKET));
	if (chown(path, 0, 0) < 0 || chmod(path, 0666) < 0)
		fail_msg("cannot restore %s", path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_in_daemon_dir, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_relative_path, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_open_errors_leave_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_abstract_then_file,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_removes_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hints, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
