// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-net: one socket operation per run, for the network integration tests.
 * Prints one word, "ok" or the errno name (EPERM, ECONNREFUSED, ...), so a
 * denial is told apart from any other failure. Operations that talk to a
 * peer only say "ok" after a real exchange: an echo came back.
 *
 *   enf-net create FAMILY TYPE [PROTO]     FAMILY inet|inet6|unix|packet|netlink|alg|vsock|tipc|xdp
 *                                          or a number (a family no module has registered
 *                                          makes the kernel ask modprobe for net-pf-FAMILY),
 *                                          TYPE stream|dgram|raw|seqpacket,
 *                                          PROTO a number or tcp|udp|icmp|icmpv6
 *   enf-net connect tcp|udp ADDR PORT [v6sock|noecho]
 *                                          connect, send "ping", read the echo;
 *                                          noecho: connect only (a peer that is no echo server)
 *   enf-net sendto udp ADDR PORT [unspec|v6sock]
 *                                          unconnected sendto, read the echo;
 *                                          unspec: an AF_UNSPEC sockaddr_in (IPv4 ADDR)
 *   v6sock: an IPv6 socket given the AF_INET sockaddr of an IPv4 ADDR (UDP sends IPv4)
 *   bind-mapped: an IPv6 socket bound to ::ffff:127.0.0.1 first (ADDR :: then means 127.0.0.1)
 *   enf-net fastopen ADDR PORT             sendto(MSG_FASTOPEN) on a new TCP socket, read the echo
 *   enf-net bind tcp|udp ADDR PORT         bind only
 *   enf-net listen ADDR PORT               bind, then listen
 *   enf-net accept ADDR PORT               bind, listen, connect to itself, accept
 *   enf-net accept-again ADDR PORT FILE    as accept, then once FILE exists (60 s at most)
 *                                          connect and accept again on the same listener;
 *                                          prints both words on one line
 *   enf-net accept-rebind ADDR PORT|same   listen with no bind (an ephemeral port on the
 *                                          wildcard address), accept, disconnect the
 *                                          listener (connect AF_UNSPEC: the port is given
 *                                          up), bind it to ADDR PORT (same: the ephemeral
 *                                          port again), listen, accept; both words
 *   enf-net accept-memo PIN DIR ADDR1 PORT1 ADDR2 PORT2 fit|as-is
 *                                          accept on a listener bound to ADDR1 PORT1 from
 *                                          cgroup DIR, then copy the memo the engine kept on
 *                                          it (PIN: the pinned accept_memos map) onto a
 *                                          listener bound to ADDR2 PORT2 (fit: with PORT2 in
 *                                          it; as-is: unchanged) and accept there from DIR:
 *                                          "ok memo ok" when the hook took the planted memo,
 *                                          "ok memo EPERM" when it did not; "ok nomemo" when
 *                                          none was kept; the map is used from outside DIR
 *   enf-net disconnect ADDR PORT           UDP connect, then connect(AF_UNSPEC)
 *   enf-net ping ADDR                      ICMP echo over a ping socket (SOCK_DGRAM)
 *   enf-net rawping ADDR                   ICMP echo over a raw socket (IPv4)
 *   enf-net serve tcp|udp ADDR PORT        echo server, forever; prints "ready" once bound
 *   enf-net unix-serve PATH                unix stream echo server, forever; prints "ready"
 *   enf-net unix-connect PATH [noecho]     unix stream connect and echo; noecho: connect
 *                                          only (a peer that is no echo server, systemd's)
 *   enf-net unix-dgram-serve PATH          unix datagram sink, forever; prints "ready"
 *   enf-net unix-sendto PATH               one datagram to PATH (sendto, no connect); ok once queued
 *   enf-net unix-dgram-connect PATH        connect a datagram socket to PATH, then send
 *   enf-net unix-pair stream|dgram         socketpair, one message across (unnamed peers)
 *   enf-net fd-serve PATH                  a deputy that hands out descriptors: unix stream
 *                                          server, forever; prints "ready". Each client sends
 *                                          "FILE MODE" (MODE r, w, rw, 3 (open(FILE, 3)),
 *                                          path (O_PATH), pipe or memfd (FILE unused)); the
 *                                          deputy opens it and sends it back (SCM_RIGHTS), or
 *                                          its errno name when the open failed
 *   enf-net fd-take PATH FILE MODE         ask the deputy at PATH for FILE opened as MODE:
 *                                          "ok" when the descriptor arrived, "EPERM" when the
 *                                          kernel refused to install it (recvmsg reports a
 *                                          refused descriptor only by MSG_CTRUNC), or the
 *                                          deputy's errno name
 *   enf-net ifindex NAME                   ioctl(SIOCGIFINDEX) of interface NAME on a unix
 *                                          socket (every socket passes it to the device layer):
 *                                          with no such interface the kernel asks modprobe for
 *                                          netdev-NAME (CAP_NET_ADMIN), then for the module NAME
 *                                          itself (CAP_SYS_MODULE)
 * A unix PATH starting with '@' is an abstract name (the '@' becomes the NUL).
 *
 * ADDR with a ':' makes an IPv6 socket (so ::ffff:a.b.c.d is an IPv6 socket
 * talking to an IPv4 peer); otherwise IPv4.
 * Before the operation: --cgroup DIR, --as UID:GID (enf-enter.h).
 * Exit status: 0 ok, 1 the operation failed with errno, 2 usage errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "enf-enter.h"
#include "enforcer_abi.h"

#define ECHO "ping"

/* The word for an errno: "ok" for 0, else its name (EPERM, ...). */
static const char *errname(int err)
{
	if (err == 0)
		return "ok";
	return strerrorname_np(err) ? strerrorname_np(err) : "EOTHER";
}

static int report(int err)
{
	printf("%s\n", errname(err));
	return err ? 1 : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: see the comment at the top of tests/guest/enf-net.c\n");
	return 2;
}

struct addr {
	struct sockaddr_storage ss;
	socklen_t len;
	int family;
};

static int parse_addr(const char *text, const char *port, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (strchr(text, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)atoi(port));
		if (inet_pton(AF_INET6, text, &s6->sin6_addr) != 1)
			return -1;
		a->len = sizeof(*s6);
		a->family = AF_INET6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)atoi(port));
		if (inet_pton(AF_INET, text, &s4->sin_addr) != 1)
			return -1;
		a->len = sizeof(*s4);
		a->family = AF_INET;
	}
	return 0;
}

static void timeouts(int fd)
{
	struct timeval tv = { .tv_sec = 3 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Read the echo of ECHO: 0, or the errno (ETIMEDOUT when nothing came back). */
static int read_echo(int fd)
{
	char buf[64];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	if (n < 0)
		return errno == EAGAIN ? ETIMEDOUT : errno;
	if (n != (ssize_t)strlen(ECHO) || memcmp(buf, ECHO, (size_t)n) != 0)
		return EBADMSG;
	return 0;
}

static int sock_type(const char *proto, int *ret)
{
	if (strcmp(proto, "tcp") == 0)
		*ret = SOCK_STREAM;
	else if (strcmp(proto, "udp") == 0)
		*ret = SOCK_DGRAM;
	else
		return -1;
	return 0;
}

static int do_ifindex(const char *name)
{
	struct ifreq ifr;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return report(errno);
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, sizeof(ifr.ifr_name) - 1);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
		err = errno;
	close(fd);
	return report(err);
}

static int do_create(int argc, char **argv)
{
	static const struct { const char *name; int value; } families[] = {
		{ "inet", AF_INET }, { "inet6", AF_INET6 }, { "unix", AF_UNIX },
		{ "packet", AF_PACKET }, { "netlink", AF_NETLINK },
		/* families outside the policy's named ones: "any" must still cover them */
		{ "alg", 38 /* AF_ALG */ }, { "vsock", 40 /* AF_VSOCK */ }, { "tipc", 30 /* AF_TIPC */ },
		{ "xdp", 44 /* AF_XDP */ },
	}, types[] = {
		{ "stream", SOCK_STREAM }, { "dgram", SOCK_DGRAM }, { "raw", SOCK_RAW },
		{ "seqpacket", SOCK_SEQPACKET },
	}, protos[] = {
		{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "icmp", IPPROTO_ICMP },
		{ "icmpv6", IPPROTO_ICMPV6 },
	};
	int family = -1, type = -1, proto = 0, fd;

	if (argc < 2)
		return usage();
	if (argv[0][0] >= '0' && argv[0][0] <= '9')
		family = atoi(argv[0]);
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (strcmp(argv[0], families[i].name) == 0)
			family = families[i].value;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(argv[1], types[i].name) == 0)
			type = types[i].value;
	if (family < 0 || type < 0)
		return usage();
	if (family == AF_PACKET)
		proto = htons(ETH_P_ALL);
	if (argc >= 3) {
		proto = atoi(argv[2]);
		for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
			if (strcmp(argv[2], protos[i].name) == 0)
				proto = protos[i].value;
	}
	fd = socket(family, type, proto);
	if (fd < 0)
		return report(errno);
	close(fd);
	return report(0);
}

/* The socket family for ADDR, or AF_INET6 for an IPv4 ADDR with the v6sock option. */
static int sock_family(const struct addr *a, const char *opt)
{
	return opt && strcmp(opt, "v6sock") == 0 ? AF_INET6 : a->family;
}

/*
 * The bind-mapped option: bind the (IPv6) socket to ::ffff:127.0.0.1 first,
 * after which the kernel takes the unspecified address :: as 127.0.0.1
 * (tcp_v6_connect, __ip6_datagram_connect, udpv6_sendmsg). 0 or errno.
 */
static int bind_opt(int fd, const char *opt)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };

	if (!opt || strcmp(opt, "bind-mapped") != 0)
		return 0;
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &s6.sin6_addr);
	return bind(fd, (struct sockaddr *)&s6, sizeof(s6)) < 0 ? errno : 0;
}

static int do_connect(const char *proto, const char *addr, const char *port, const char *opt)
{
	bool echo = !(opt && strcmp(opt, "noecho") == 0);
	struct addr a;
	int type, fd, err = 0;

	if (!echo)
		opt = NULL;
	if (sock_type(proto, &type) < 0 || parse_addr(addr, port, &a) < 0)
		return usage();
	fd = socket(sock_family(&a, opt), type, 0);
	if (fd < 0)
		return report(errno);
	timeouts(fd);
	if ((err = bind_opt(fd, opt)) != 0)
		;
	else if (connect(fd, (struct sockaddr *)&a.ss, a.len) < 0)
		err = errno;
	else if (!echo)
		;
	else if (send(fd, ECHO, strlen(ECHO), 0) < 0)
		err = errno;
	else
		err = read_echo(fd);
	close(fd);
	return report(err);
}

static int do_sendto(const char *proto, const char *addr, const char *port, const char *opt)
{
	struct addr a;
	int type, fd, err = 0;

	if (sock_type(proto, &type) < 0 || type != SOCK_DGRAM || parse_addr(addr, port, &a) < 0)
		return usage();
	fd = socket(sock_family(&a, opt), SOCK_DGRAM, 0);
	if (fd < 0)
		return report(errno);
	timeouts(fd);
	if (opt && strcmp(opt, "unspec") == 0)
		((struct sockaddr *)&a.ss)->sa_family = AF_UNSPEC;
	if ((err = bind_opt(fd, opt)) != 0)
		;
	else if (sendto(fd, ECHO, strlen(ECHO), 0, (struct sockaddr *)&a.ss, a.len) < 0)
		err = errno;
	else
		err = read_echo(fd);
	close(fd);
	return report(err);
}

static int do_fastopen(const char *addr, const char *port)
{
	struct addr a;
	int fd, err = 0;

	if (parse_addr(addr, port, &a) < 0)
		return usage();
	fd = socket(a.family, SOCK_STREAM, 0);
	if (fd < 0)
		return report(errno);
	timeouts(fd);
	if (sendto(fd, ECHO, strlen(ECHO), MSG_FASTOPEN, (struct sockaddr *)&a.ss, a.len) < 0)
		err = errno;
	else
		err = read_echo(fd);
	close(fd);
	return report(err);
}

/* A bound (and maybe listening) socket; -errno on failure. */
static int bound_socket(int type, const struct addr *a, bool listening)
{
	int fd = socket(a->family, type, 0), one = 1;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) < 0 || (listening && listen(fd, 16) < 0)) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static int do_bind(const char *proto, const char *addr, const char *port, bool listening)
{
	struct addr a;
	int type, fd;

	if (sock_type(proto, &type) < 0 || parse_addr(addr, port, &a) < 0)
		return usage();
	fd = bound_socket(type, &a, listening);
	if (fd < 0)
		return report(-fd);
	close(fd);
	return report(0);
}

/*
 * Connect to listener lfd where it is bound now (127.0.0.1 or ::1 for a
 * wildcard address) and accept: 0, or accept's errno. The connection is
 * closed again either way.
 */
static int accept_one(int lfd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int cfd, afd, err = 0;

	if (getsockname(lfd, (struct sockaddr *)&ss, &len) < 0) {
		fprintf(stderr, "enf-net: accept: getsockname: %m\n");
		exit(2);
	}
	if (ss.ss_family == AF_INET && ((struct sockaddr_in *)&ss)->sin_addr.s_addr == htonl(INADDR_ANY))
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ss.ss_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&ss)->sin6_addr))
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	cfd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&ss, len) < 0) {
		fprintf(stderr, "enf-net: accept: the self-connect failed: %m\n");
		exit(2);
	}
	afd = accept(lfd, NULL, NULL);
	if (afd < 0)
		err = errno;
	else
		close(afd);
	close(cfd);
	return err;
}

static int do_accept(const char *addr, const char *port)
{
	struct addr a;
	int lfd, err;

	if (parse_addr(addr, port, &a) < 0)
		return usage();
	lfd = bound_socket(SOCK_STREAM, &a, true);
	if (lfd < 0)
		return report(-lfd);
	err = accept_one(lfd);
	close(lfd);
	return report(err);
}

static int do_accept_again(const char *addr, const char *port, const char *file)
{
	struct addr a;
	struct stat st;
	int lfd, first, i;

	if (parse_addr(addr, port, &a) < 0)
		return usage();
	lfd = bound_socket(SOCK_STREAM, &a, true);
	if (lfd < 0)
		return report(-lfd);
	first = accept_one(lfd);
	printf("%s", errname(first));
	fflush(stdout);
	for (i = 0; i < 600 && stat(file, &st) < 0; i++)
		usleep(100 * 1000);
	if (i == 600) {
		fprintf(stderr, "enf-net: accept-again: %s did not appear within 60 s\n", file);
		return 2;
	}
	printf(" %s\n", errname(accept_one(lfd)));
	close(lfd);
	return 0;
}

static int do_accept_rebind(const char *addr, const char *port)
{
	struct sockaddr_storage unspec = { .ss_family = AF_UNSPEC }, own;
	socklen_t len = sizeof(own);
	bool same = strcmp(port, "same") == 0;
	struct addr a;
	int lfd, first, one = 1;

	if (parse_addr(addr, same ? "0" : port, &a) < 0)
		return usage();
	lfd = socket(a.family, SOCK_STREAM, 0);
	/* SO_REUSEADDR: the accepted connection leaves the port in TIME_WAIT */
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    listen(lfd, 16) < 0 || getsockname(lfd, (struct sockaddr *)&own, &len) < 0) {
		fprintf(stderr, "enf-net: accept-rebind: listen with no bind: %m\n");
		return 2;
	}
	if (same) /* both families keep the port at the same offset */
		((struct sockaddr_in *)&a.ss)->sin_port = ((struct sockaddr_in *)&own)->sin_port;
	first = accept_one(lfd);
	if (connect(lfd, (struct sockaddr *)&unspec, sizeof(unspec)) < 0 ||
	    bind(lfd, (struct sockaddr *)&a.ss, a.len) < 0 || listen(lfd, 16) < 0) {
		fprintf(stderr, "enf-net: accept-rebind: disconnect, bind to %s %s, listen: %m\n", addr, port);
		return 2;
	}
	printf("%s %s\n", errname(first), errname(accept_one(lfd)));
	close(lfd);
	return 0;
}

static long bpf_call(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* accept_one(lfd) in a child that first joins cgroup dir: accept's errno, or -1. */
static int accept_in(const char *dir, int lfd)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(enter_cgroup(dir) < 0 ? 255 : accept_one(lfd));
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 255)
		return -1;
	return WEXITSTATUS(status);
}

/*
 * The map operations are the parent's, which stays outside the cgroup
 * (self-protection refuses bpf() to a confined task); each accept is a
 * child's, inside it, on the listener the parent holds.
 */
static int do_accept_memo(const char *pin, const char *dir, char **args)
{
	const char *how = args[4];
	struct enf_accept_memo memo;
	union bpf_attr attr;
	struct addr a, b;
	int map, lfd1, lfd2, first, second;

	if (parse_addr(args[0], args[1], &a) < 0 || parse_addr(args[2], args[3], &b) < 0 ||
	    (strcmp(how, "fit") != 0 && strcmp(how, "as-is") != 0))
		return usage();
	memset(&attr, 0, sizeof(attr));
	attr.pathname = (__u64)(unsigned long)pin;
	map = (int)bpf_call(BPF_OBJ_GET, &attr);
	if (map < 0) {
		fprintf(stderr, "enf-net: accept-memo: BPF_OBJ_GET %s: %m\n", pin);
		return 2;
	}
	lfd1 = bound_socket(SOCK_STREAM, &a, true);
	lfd2 = bound_socket(SOCK_STREAM, &b, true);
	if (lfd1 < 0 || lfd2 < 0) {
		fprintf(stderr, "enf-net: accept-memo: listeners on %s %s and %s %s: %s\n", args[0], args[1],
			args[2], args[3], errname(-(lfd1 < 0 ? lfd1 : lfd2)));
		return 2;
	}
	first = accept_in(dir, lfd1);
	if (first < 0) {
		fprintf(stderr, "enf-net: accept-memo: the accept in %s did not run\n", dir);
		return 2;
	}
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (__u32)map;
	attr.key = (__u64)(unsigned long)&lfd1;
	attr.value = (__u64)(unsigned long)&memo;
	if (bpf_call(BPF_MAP_LOOKUP_ELEM, &attr) < 0) {
		if (errno != ENOENT) {
			fprintf(stderr, "enf-net: accept-memo: reading the memo: %m\n");
			return 2;
		}
		printf("%s nomemo\n", errname(first));
		return 0;
	}
	if (strcmp(how, "fit") == 0)
		memo.port = (__u16)atoi(args[3]);
	attr.key = (__u64)(unsigned long)&lfd2;
	attr.flags = BPF_ANY;
	if (bpf_call(BPF_MAP_UPDATE_ELEM, &attr) < 0) {
		fprintf(stderr, "enf-net: accept-memo: planting the memo: %m\n");
		return 2;
	}
	second = accept_in(dir, lfd2);
	if (second < 0) {
		fprintf(stderr, "enf-net: accept-memo: the second accept in %s did not run\n", dir);
		return 2;
	}
	printf("%s memo %s\n", errname(first), errname(second));
	close(lfd1);
	close(lfd2);
	return 0;
}

static int do_disconnect(const char *addr, const char *port)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	struct addr a;
	int fd, err = 0;

	if (parse_addr(addr, port, &a) < 0)
		return usage();
	fd = socket(a.family, SOCK_DGRAM, 0);
	if (fd < 0)
		return report(errno);
	if (connect(fd, (struct sockaddr *)&a.ss, a.len) < 0) {
		fprintf(stderr, "enf-net: disconnect: the first connect failed: %m\n");
		return 2;
	}
	if (connect(fd, &unspec, sizeof(unspec)) < 0)
		err = errno;
	close(fd);
	return report(err);
}

static uint16_t icmp_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* ICMP echo: ping socket (raw false) or raw socket (IPv4 only). */
static int do_ping(const char *addr, bool raw)
{
	struct { uint8_t type, code; uint16_t sum, id, seq; char data[8]; } req = { .seq = htons(1) };
	struct addr a;
	uint8_t buf[256];
	int fd, err = ETIMEDOUT;

	if (parse_addr(addr, "0", &a) < 0 || (raw && a.family != AF_INET))
		return usage();
	req.type = a.family == AF_INET ? ICMP_ECHO : 128 /* ICMPV6_ECHO_REQUEST */;
	req.id = htons((uint16_t)getpid());
	memcpy(req.data, "enf-net", 8);
	if (raw)
		req.sum = icmp_checksum(&req, sizeof(req));
	fd = socket(a.family, raw ? SOCK_RAW : SOCK_DGRAM, a.family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (fd < 0)
		return report(errno);
	timeouts(fd);
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&a.ss, a.len) < 0) {
		err = errno;
		goto out;
	}
	for (int i = 0; i < 16; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		size_t off = 0;

		if (n < 0) {
			err = errno == EAGAIN ? ETIMEDOUT : errno;
			break;
		}
		if (raw)
			off = (size_t)(buf[0] & 0xf) * 4; /* raw IPv4 sockets see the IP header */
		if ((size_t)n > off && buf[off] == (a.family == AF_INET ? ICMP_ECHOREPLY : 129)) {
			err = 0;
			break;
		}
	}
out:
	close(fd);
	return report(err);
}

static int do_serve(const char *proto, const char *addr, const char *port)
{
	struct addr a;
	char buf[256];
	int type, fd;

	if (sock_type(proto, &type) < 0 || parse_addr(addr, port, &a) < 0)
		return usage();
	fd = bound_socket(type, &a, type == SOCK_STREAM);
	if (fd < 0) {
		fprintf(stderr, "enf-net: serve %s %s %s: %s\n", proto, addr, port, strerror(-fd));
		return 1;
	}
	printf("ready\n");
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		ssize_t n;

		if (type == SOCK_DGRAM) {
			n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
			if (n > 0)
				sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen);
		} else {
			int c = accept(fd, NULL, NULL);

			if (c < 0)
				continue;
			timeouts(c);
			n = recv(c, buf, sizeof(buf), 0);
			if (n > 0 && send(c, buf, (size_t)n, 0) < 0)
				perror("enf-net: serve: send");
			close(c);
		}
	}
}

/* The address of PATH ('@': abstract) and its length; -1 when too long. */
static socklen_t unix_addr(const char *path, struct sockaddr_un *sun)
{
	size_t n = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n >= sizeof(sun->sun_path))
		return (socklen_t)-1;
	memcpy(sun->sun_path, path, n);
	if (path[0] != '@')
		return sizeof(*sun);
	sun->sun_path[0] = 0;
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
}

/* A unix socket of type bound to path ("@name": abstract), a stale file removed first: the fd, or -1 after perror. */
static int unix_bound(const char *path, int type, const char *what)
{
	struct sockaddr_un sun;
	socklen_t len = unix_addr(path, &sun);
	int fd;

	if (path[0] != '@')
		unlink(path);
	fd = socket(AF_UNIX, type, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, len) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) < 0)) {
		perror(what);
		return -1;
	}
	return fd;
}

/*
 * A server's socket of type at path, open to every user, "ready" printed:
 * the fd, -2 for a path too long (usage), -1 after perror.
 */
static int unix_serving(const char *path, int type, const char *what)
{
	struct sockaddr_un sun;
	int fd;

	if (unix_addr(path, &sun) == (socklen_t)-1)
		return -2;
	fd = unix_bound(path, type, what);
	if (fd < 0)
		return -1;
	if (path[0] != '@')
		chmod(path, 0666); /* so that nobody's refusal is the policy's, not the mode's */
	printf("ready\n");
	return fd;
}

static int do_unix_serve(const char *path)
{
	char buf[256];
	int fd = unix_serving(path, SOCK_STREAM, "enf-net: unix-serve");

	if (fd < 0)
		return fd == -2 ? usage() : 1;
	for (;;) {
		int c = accept(fd, NULL, NULL);
		ssize_t n;

		if (c < 0)
			continue;
		n = recv(c, buf, sizeof(buf), 0);
		if (n > 0 && send(c, buf, (size_t)n, 0) < 0)
			perror("enf-net: unix-serve: send");
		close(c);
	}
}

static int do_unix_connect(const char *path, bool echo)
{
	struct sockaddr_un sun;
	socklen_t len = unix_addr(path, &sun);
	int fd, err = 0;

	if (len == (socklen_t)-1)
		return usage();
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return report(errno);
	timeouts(fd);
	if (connect(fd, (struct sockaddr *)&sun, len) < 0)
		err = errno;
	else if (!echo)
		err = 0;
	else if (send(fd, ECHO, strlen(ECHO), 0) < 0)
		err = errno;
	else
		err = read_echo(fd);
	close(fd);
	return report(err);
}

static int do_unix_dgram_serve(const char *path)
{
	char buf[256];
	int fd = unix_serving(path, SOCK_DGRAM, "enf-net: unix-dgram-serve");

	if (fd < 0)
		return fd == -2 ? usage() : 1;
	for (;;)
		(void)recv(fd, buf, sizeof(buf), 0);
}

/* A datagram to PATH: with sendto, or connect then send. Queued is ok. */
static int do_unix_send(const char *path, bool connected)
{
	struct sockaddr_un sun;
	socklen_t len = unix_addr(path, &sun);
	int fd, err = 0;

	if (len == (socklen_t)-1)
		return usage();
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0)
		return report(errno);
	timeouts(fd);
	if (connected) {
		if (connect(fd, (struct sockaddr *)&sun, len) < 0 || send(fd, ECHO, strlen(ECHO), 0) < 0)
			err = errno;
	} else if (sendto(fd, ECHO, strlen(ECHO), 0, (struct sockaddr *)&sun, len) < 0) {
		err = errno;
	}
	close(fd);
	return report(err);
}

static int do_unix_pair(const char *type)
{
	int sv[2], err = 0;

	if (socketpair(AF_UNIX, strcmp(type, "dgram") == 0 ? SOCK_DGRAM : SOCK_STREAM, 0, sv) < 0)
		return report(errno);
	timeouts(sv[1]);
	if (send(sv[0], ECHO, strlen(ECHO), 0) < 0)
		err = errno;
	else
		err = read_echo(sv[1]);
	close(sv[0]);
	close(sv[1]);
	return report(err);
}

/* What the deputy opens for "FILE MODE": a descriptor, or -1 with errno set. */
static int deputy_open(const char *file, const char *mode)
{
	int p[2];

	if (strcmp(mode, "pipe") == 0) {
		if (pipe(p) < 0)
			return -1;
		close(p[1]);
		return p[0];
	}
	if (strcmp(mode, "memfd") == 0)
		return (int)syscall(SYS_memfd_create, "enf-net", 0);
	if (strcmp(mode, "r") == 0)
		return open(file, O_RDONLY);
	if (strcmp(mode, "w") == 0)
		return open(file, O_WRONLY);
	if (strcmp(mode, "rw") == 0)
		return open(file, O_RDWR);
	if (strcmp(mode, "3") == 0)
		return open(file, 3);
	if (strcmp(mode, "path") == 0)
		return open(file, O_PATH);
	errno = EINVAL;
	return -1;
}

static int do_fd_serve(const char *path)
{
	int fd = unix_serving(path, SOCK_STREAM, "enf-net: fd-serve");

	if (fd < 0)
		return fd == -2 ? usage() : 1;
	for (;;) {
		char req[512], file[400], mode[16], word[32] = "ok";
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} control = {};
		struct iovec iov = { .iov_base = word, .iov_len = 0 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		int c = accept(fd, NULL, NULL), given = -1;
		ssize_t n;

		if (c < 0)
			continue;
		n = recv(c, req, sizeof(req) - 1, 0);
		req[n > 0 ? n : 0] = 0;
		if (sscanf(req, "%399s %15s", file, mode) != 2) {
			snprintf(word, sizeof(word), "EINVAL");
		} else if ((given = deputy_open(file, mode)) < 0) {
			snprintf(word, sizeof(word), "%s", errname(errno));
		} else {
			struct cmsghdr *cm;

			mh.msg_control = control.buf;
			mh.msg_controllen = sizeof(control.buf);
			cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &given, sizeof(int));
		}
		iov.iov_len = strlen(word);
		if (sendmsg(c, &mh, 0) < 0)
			perror("enf-net: fd-serve: sendmsg");
		if (given >= 0)
			close(given);
		close(c);
	}
}

static int do_fd_take(const char *path, const char *file, const char *mode)
{
	struct sockaddr_un sun;
	socklen_t len = unix_addr(path, &sun);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = {};
	char req[512], word[33] = "";
	struct iovec iov = { .iov_base = word, .iov_len = sizeof(word) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cm;
	int fd, got = -1;
	ssize_t n;

	if (len == (socklen_t)-1)
		return usage();
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return report(errno);
	timeouts(fd);
	snprintf(req, sizeof(req), "%s %s", file, mode);
	if (connect(fd, (struct sockaddr *)&sun, len) < 0 || send(fd, req, strlen(req), 0) < 0)
		return report(errno);
	n = recvmsg(fd, &mh, 0);
	if (n < 0)
		return report(errno);
	word[n] = 0;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&got, CMSG_DATA(cm), sizeof(int));
	close(fd);
	if (got >= 0) {
		close(got);
		return report(0);
	}
	if (strcmp(word, "ok") == 0)
		return report((mh.msg_flags & MSG_CTRUNC) ? EPERM : EPROTO);
	printf("%s\n", word);
	return 1;
}

int main(int argc, char **argv)
{
	const char *op;

	enter_options(&argc, &argv);
	op = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	argc -= 2;
	argv += 2;
	if (strcmp(op, "ifindex") == 0 && argc == 1)
		return do_ifindex(argv[0]);
	if (strcmp(op, "create") == 0)
		return do_create(argc, argv);
	if (strcmp(op, "connect") == 0 && (argc == 3 || argc == 4))
		return do_connect(argv[0], argv[1], argv[2], argc == 4 ? argv[3] : NULL);
	if (strcmp(op, "sendto") == 0 && (argc == 3 || argc == 4))
		return do_sendto(argv[0], argv[1], argv[2], argc == 4 ? argv[3] : NULL);
	if (strcmp(op, "fastopen") == 0 && argc == 2)
		return do_fastopen(argv[0], argv[1]);
	if (strcmp(op, "bind") == 0 && argc == 3)
		return do_bind(argv[0], argv[1], argv[2], false);
	if (strcmp(op, "listen") == 0 && argc == 2)
		return do_bind("tcp", argv[0], argv[1], true);
	if (strcmp(op, "accept") == 0 && argc == 2)
		return do_accept(argv[0], argv[1]);
	if (strcmp(op, "accept-again") == 0 && argc == 3)
		return do_accept_again(argv[0], argv[1], argv[2]);
	if (strcmp(op, "accept-rebind") == 0 && argc == 2)
		return do_accept_rebind(argv[0], argv[1]);
	if (strcmp(op, "accept-memo") == 0 && argc == 7)
		return do_accept_memo(argv[0], argv[1], argv + 2);
	if (strcmp(op, "disconnect") == 0 && argc == 2)
		return do_disconnect(argv[0], argv[1]);
	if (strcmp(op, "ping") == 0 && argc == 1)
		return do_ping(argv[0], false);
	if (strcmp(op, "rawping") == 0 && argc == 1)
		return do_ping(argv[0], true);
	if (strcmp(op, "serve") == 0 && argc == 3)
		return do_serve(argv[0], argv[1], argv[2]);
	if (strcmp(op, "unix-serve") == 0 && argc == 1)
		return do_unix_serve(argv[0]);
	if (strcmp(op, "unix-connect") == 0 && (argc == 1 || (argc == 2 && strcmp(argv[1], "noecho") == 0)))
		return do_unix_connect(argv[0], argc == 1);
	if (strcmp(op, "unix-pair") == 0 && argc == 1)
		return do_unix_pair(argv[0]);
	if (strcmp(op, "unix-dgram-serve") == 0 && argc == 1)
		return do_unix_dgram_serve(argv[0]);
	if (strcmp(op, "unix-sendto") == 0 && argc == 1)
		return do_unix_send(argv[0], false);
	if (strcmp(op, "unix-dgram-connect") == 0 && argc == 1)
		return do_unix_send(argv[0], true);
	if (strcmp(op, "fd-serve") == 0 && argc == 1)
		return do_fd_serve(argv[0]);
	if (strcmp(op, "fd-take") == 0 && argc == 3)
		return do_fd_take(argv[0], argv[1], argv[2]);
	return usage();
}
