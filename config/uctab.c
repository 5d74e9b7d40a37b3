/*
 * config/uctab.c — the [unicast_master_table] sections (see cfg.h).
 *
 * As ptp4l: a section holds "table_id N" (1..INT_MAX, unique), which
 * opens the table the following lines fill, "logQueryInterval N" (log2 s,
 * -128..127, default 0), "peer_address ADDRESS" (the peer for unicast
 * peer delay) and "TRANSPORT ADDRESS" lines, TRANSPORT one of UDPv4,
 * UDPv6, L2 (any case).  Unlike ptp4l, a new section starts without a
 * table: its lines before a table_id are an error rather than additions
 * to the previous section's table.
 *
 * Addresses are parsed here, without the resolver: UDPv4 a dotted quad,
 * UDPv6 the text form of inet_pton(3), L2 six hex bytes separated by ':'.
 * They are stored as the transports' struct bc_addr in its canonical form
 * (the form a received source address takes once the transport has
 * cleared what varies between the sockets of one host): a struct
 * sockaddr_in or sockaddr_in6 with port (and scope) 0, or a struct
 * sockaddr_ll with only family, address length and address set.  The
 * core then compares a table entry with a sender byte for byte.
 */
#include "config/cfg_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* A dotted quad (four decimal numbers 0..255, nothing else). */
static bool uc_parse_ipv4(const char *s, uint8_t out[4])
{
	for (int i = 0; i < 4; i++) {
		unsigned v = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (!digits || digits > 3 || v > 255)
			return false;
		out[i] = (uint8_t)v;
		if (i < 3 && *s++ != '.')
			return false;
	}
	return *s == '\0';
}

static int uc_hex(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Six bytes of one or two hex digits each, separated by ':'. */
static bool uc_parse_mac(const char *s, uint8_t out[6])
{
	for (int i = 0; i < 6; i++) {
		int h = uc_hex(*s), l;

		if (h < 0)
			return false;
		s++;
		l = uc_hex(*s);
		if (l >= 0) {
			h = h * 16 + l;
			s++;
		}
		out[i] = (uint8_t)h;
		if (i < 5 && *s++ != ':')
			return false;
	}
	return *s == '\0';
}

int cfg_uc_addr_parse(int transport, const char *text, struct bc_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (transport == CFG_NT_UDPV4) {
		struct sockaddr_in sin = { .sin_family = AF_INET };

		if (!uc_parse_ipv4(text, (uint8_t *)&sin.sin_addr))
			return -EINVAL;
		a->len = sizeof(sin);
		memcpy(a->data, &sin, sizeof(sin));
		return 0;
	}
	if (transport == CFG_NT_UDPV6) {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

		_Static_assert(sizeof(sin6) <= sizeof(a->data), "bc_addr");
		if (inet_pton(AF_INET6, text, &sin6.sin6_addr) != 1)
			return -EINVAL;
		a->len = sizeof(sin6);
		memcpy(a->data, &sin6, sizeof(sin6));
		return 0;
	}
	if (transport == CFG_NT_L2) {
		struct sockaddr_ll sll = { .sll_family = AF_PACKET,
					   .sll_halen = 6 };

		if (!uc_parse_mac(text, sll.sll_addr))
			return -EINVAL;
		a->len = sizeof(sll);
		memcpy(a->data, &sll, sizeof(sll));
		return 0;
	}
	return -EINVAL;
}

static const struct {
	const char *name;
	int transport;
} uc_transports[] = {
	{ "UDPv4", CFG_NT_UDPV4 },
	{ "UDPv6", CFG_NT_UDPV6 },
	{ "L2", CFG_NT_L2 },
};

/* The table the section's lines fill, or an error naming option. */
static struct cfg_uc_table *uc_current(struct cfg *c, struct cfg_parser *p,
				       const char *option,
				       struct cfg_error *err)
{
	if (p->uc_table < 0) {
		cfg_fail(err, &p->w, option, "missing table_id before this "
			 "line in [unicast_master_table]");
		return NULL;
	}
	return &c->uc[p->uc_table];
}

static int uc_table_id(struct cfg *c, struct cfg_parser *p, const char *v,
		       struct cfg_error *err)
{
	struct cfg_uc_table *t;
	char *end;
	long long id = strtoll(v, &end, 0);

	if (end == v || *end || id < 1 || id > INT32_MAX)
		return cfg_fail(err, &p->w, "table_id", "%s: not a table_id "
				"(1 to %d)", v, INT32_MAX);
	for (int i = 0; i < c->nuc; i++) {
		if (c->uc[i].table_id == id)
			return cfg_fail(err, &p->w, "table_id", "%lld: already "
					"taken (line %d)", id, c->uc[i].line);
	}
	if (c->nuc >= CFG_UC_MAX_TABLES)
		return cfg_fail(err, &p->w, "table_id", "too many unicast "
				"master tables (at most %d)",
				CFG_UC_MAX_TABLES);
	t = &c->uc[c->nuc];
	memset(t, 0, sizeof(*t));
	t->table_id = (int)id;
	t->line = p->w.line;
	t->file = p->w.file ? cfg_file_name(c, p->w.file) : NULL;
	p->uc_table = c->nuc++;
	return 0;
}

static int uc_query(struct cfg *c, struct cfg_parser *p, const char *v,
		    struct cfg_error *err)
{
	struct cfg_uc_table *t = uc_current(c, p, "logQueryInterval", err);
	char *end;
	long long lqi;

	if (!t)
		return -EINVAL;
	lqi = strtoll(v, &end, 0);
	if (end == v || *end || lqi < INT8_MIN || lqi > INT8_MAX)
		return cfg_fail(err, &p->w, "logQueryInterval", "%s: out of "
				"range (%d to %d)", v, INT8_MIN, INT8_MAX);
	t->log_query_interval = (int)lqi;
	return 0;
}

static int uc_peer(struct cfg *c, struct cfg_parser *p, const char *v,
		   struct cfg_error *err)
{
	struct cfg_uc_table *t = uc_current(c, p, "peer_address", err);

	if (!t)
		return -EINVAL;
	if (strlen(v) >= sizeof(t->peer_address))
		return cfg_fail(err, &p->w, "peer_address", "too long");
	strcpy(t->peer_address, v);
	t->peer_line = p->w.line;
	return 0;
}

static int uc_address(struct cfg *c, struct cfg_parser *p, const char *name,
		      const char *v, struct cfg_error *err)
{
	struct cfg_uc_table *t;
	int tr = -1;

	for (size_t i = 0; i < sizeof(uc_transports) / sizeof(*uc_transports);
	     i++) {
		if (!strcasecmp(name, uc_transports[i].name))
			tr = uc_transports[i].transport;
	}
	if (tr < 0)
		return cfg_fail(err, &p->w, name, "not a [unicast_master_table] "
				"line (table_id, logQueryInterval, peer_address, "
				"UDPv4, UDPv6 or L2 ADDRESS)");
	t = uc_current(c, p, name, err);
	if (!t)
		return -EINVAL;
	if (t->n >= CFG_UC_MAX_ADDRS)
		return cfg_fail(err, &p->w, name, "too many addresses in table "
				"%d (at most %d)", t->table_id,
				CFG_UC_MAX_ADDRS);
	if (cfg_uc_addr_parse(tr, v, &t->addr[t->n]) < 0)
		return cfg_fail(err, &p->w, name, "%s: bad address", v);
	t->transport[t->n] = tr;
	t->addr_line[t->n] = p->w.line;
	t->n++;
	return 0;
}

int cfg_uc_parse_line(struct cfg_parser *p, char *line, struct cfg_error *err)
{
	struct cfg *c = p->c;
	char *value = line;

	while (*value && *value != ' ' && *value != '\t')
		value++;
	if (*value)
		*value++ = '\0';
	while (*value == ' ' || *value == '\t')
		value++;
	if (!*value)
		return cfg_fail(err, &p->w, line, "missing value");
	if (!strcasecmp(line, "table_id"))
		return uc_table_id(c, p, value, err);
	if (!strcasecmp(line, "logQueryInterval"))
		return uc_query(c, p, value, err);
	if (!strcasecmp(line, "peer_address"))
		return uc_peer(c, p, value, err);
	return uc_address(c, p, line, value, err);
}

int cfg_uc_table_count(const struct cfg *c)
{
	return c ? c->nuc : 0;
}

const struct cfg_uc_table *cfg_uc_table_at(const struct cfg *c, int i)
{
	return c && i >= 0 && i < c->nuc ? &c->uc[i] : NULL;
}

const struct cfg_uc_table *cfg_uc_table_find(const struct cfg *c, int id)
{
	for (int i = 0; c && i < c->nuc; i++) {
		if (c->uc[i].table_id == id)
			return &c->uc[i];
	}
	return NULL;
}
