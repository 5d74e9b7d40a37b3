/* tests/unit/test_cfg_uctab.c — [unicast_master_table] sections
 * (config/uctab.c): parsing, canonical addresses, every refusal. */
#include <errno.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "config/cfg.h"

static void count_warning(void *ctx, const char *file, int line,
			  const char *option, const char *msg)
{
	(void)file, (void)line, (void)option, (void)msg;
	(*(int *)ctx)++;
}

static int parse(struct cfg *c, const char *text, struct cfg_error *err)
{
	memset(err, 0, sizeof(*err));
	return cfg_parse_buffer(c, "test.cfg", text, strlen(text), err);
}

static int teardown_cfg(void **state)
{
	cfg_destroy(*state);
	*state = NULL;
	return 0;
}

/* [unicast_master_table] sections: tables by table_id, addresses in
 * their canonical struct bc_addr (config/uctab.c), one per line. */
static void test_unicast_table(void **state)
{
	const struct cfg_uc_table *t;
	struct sockaddr_in sin;
	struct sockaddr_ll sll;
	struct cfg_error err;
	int warnings = 0;
	struct cfg *c = cfg_create();

	*state = c;
	cfg_set_warn(c, count_warning, &warnings);
	assert_int_equal(parse(c, "[global]\n"
				  "[unicast_master_table]\n"
				  "table_id 1\n"
				  "logQueryInterval 2\n"
				  "UDPv4 192.168.1.11\n"
				  "udpv4\t10.0.0.255\n"
				  "[UNICAST_MASTER_TABLE]\n"
				  "table_id 2\n"
				  "L2 00:11:22:33:44:5\n"
				  "UDPv6 fe80::1\n"
				  "peer_address 10.0.0.1\n"
				  "[eth0]\n"
				  "unicast_master_table 1\n"
				  "udp_ttl 4\n",
			       &err),
			 0);
	assert_int_equal(warnings, 0);
	assert_int_equal(cfg_nports(c), 1);
	assert_int_equal(cfg_get_int(c, "eth0", "udp_ttl"), 4);
	assert_int_equal(cfg_get_int(c, "eth0", "unicast_master_table"), 1);
	assert_int_equal(cfg_uc_table_count(c), 2);
	t = cfg_uc_table_find(c, 1);
	assert_non_null(t);
	assert_int_equal(t->log_query_interval, 2);
	assert_int_equal(t->n, 2);
	assert_int_equal(t->line, 3);
	assert_int_equal(t->addr_line[1], 6);
	assert_int_equal(t->transport[0], CFG_NT_UDPV4);
	assert_int_equal(t->addr[0].len, sizeof(struct sockaddr_in));
	memcpy(&sin, t->addr[0].data, sizeof(sin)); /* data is unaligned */
	assert_int_equal(sin.sin_family, AF_INET);
	assert_int_equal(sin.sin_port, 0);
	assert_memory_equal(&sin.sin_addr, "\xC0\xA8\x01\x0B", 4);
	t = cfg_uc_table_find(c, 2);
	assert_non_null(t);
	assert_int_equal(t->log_query_interval, 0);
	assert_string_equal(t->peer_address, "10.0.0.1");
	assert_int_equal(t->transport[0], CFG_NT_L2);
	memcpy(&sll, t->addr[0].data, sizeof(sll));
	assert_int_equal(sll.sll_family, AF_PACKET);
	assert_int_equal(sll.sll_halen, 6);
	assert_memory_equal(sll.sll_addr, "\x00\x11\x22\x33\x44\x05", 6);
	assert_int_equal(t->transport[1], CFG_NT_UDPV6);
	assert_int_equal(t->addr[1].len, sizeof(struct sockaddr_in6));
	assert_null(cfg_uc_table_find(c, 3));
}

/* Each bad table line is refused with its line, option and reason. */
static void test_unicast_table_errors(void **state)
{
	static const struct {
		const char *text;
		int line;
		const char *option;
		const char *reason;
	} cases[] = {
		{ "[unicast_master_table]\nUDPv4 10.0.0.1\n", 2, "UDPv4",
		  "missing table_id before this line in "
		  "[unicast_master_table]" },
		{ "[unicast_master_table]\ntable_id 0\n", 2, "table_id",
		  "0: not a table_id (1 to 2147483647)" },
		{ "[unicast_master_table]\ntable_id x\n", 2, "table_id",
		  "x: not a table_id (1 to 2147483647)" },
		{ "[unicast_master_table]\ntable_id 1\n"
		  "[unicast_master_table]\ntable_id 1\n",
		  4, "table_id", "1: already taken (line 2)" },
		{ "[unicast_master_table]\ntable_id 1\n"
		  "[unicast_master_table]\nlogQueryInterval 1\n",
		  4, "logQueryInterval", "missing table_id before this line "
		  "in [unicast_master_table]" },
		{ "[unicast_master_table]\ntable_id 1\nlogQueryInterval 128\n",
		  3, "logQueryInterval", "128: out of range (-128 to 127)" },
		{ "[unicast_master_table]\ntable_id 1\nUDPv4 10.0.0.256\n",
		  3, "UDPv4", "10.0.0.256: bad address" },
		{ "[unicast_master_table]\ntable_id 1\nUDPv4 10.0.0\n",
		  3, "UDPv4", "10.0.0: bad address" },
		{ "[unicast_master_table]\ntable_id 1\nUDPv4 host.example\n",
		  3, "UDPv4", "host.example: bad address" },
		{ "[unicast_master_table]\ntable_id 1\nUDPv6 10.0.0.1\n",
		  3, "UDPv6", "10.0.0.1: bad address" },
		{ "[unicast_master_table]\ntable_id 1\nL2 00:11:22:33:44\n",
		  3, "L2", "00:11:22:33:44: bad address" },
		{ "[unicast_master_table]\ntable_id 1\nUDS /tmp/x\n", 3, "UDS",
		  "not a [unicast_master_table] line (table_id, "
		  "logQueryInterval, peer_address, UDPv4, UDPv6 or L2 "
		  "ADDRESS)" },
		{ "[unicast_master_table]\ntable_id 1\nUDPv4\n", 3, "UDPv4",
		  "missing value" },
	};
	struct cfg_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfg *c = cfg_create();

		assert_non_null(c);
		assert_int_equal(parse(c, cases[i].text, &err), -EINVAL);
		assert_int_equal(err.line, cases[i].line);
		assert_string_equal(err.option, cases[i].option);
		assert_string_equal(err.reason, cases[i].reason);
		cfg_destroy(c);
	}
}

/* A table holds at most CFG_UC_MAX_ADDRS addresses. */
static void test_unicast_table_full(void **state)
{
	char text[2048];
	size_t n = 0;
	struct cfg_error err;
	struct cfg *c = cfg_create();

	*state = c;
	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      "[unicast_master_table]\ntable_id 7\n");
	for (int i = 0; i <= CFG_UC_MAX_ADDRS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "UDPv4 10.0.0.%d\n", i + 1);
	assert_int_equal(parse(c, text, &err), -EINVAL);
	assert_int_equal(err.line, 3 + CFG_UC_MAX_ADDRS);
	assert_string_equal(err.reason, "too many addresses in table 7 (at "
					"most 16)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_unicast_table, teardown_cfg),
		cmocka_unit_test_teardown(test_unicast_table_errors,
					  teardown_cfg),
		cmocka_unit_test_teardown(test_unicast_table_full,
					  teardown_cfg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
