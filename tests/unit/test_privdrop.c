/* tests/unit/test_privdrop.c — which capabilities hvptpd keeps after it
 * drops to user (daemon/privdrop.h), from its settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <linux/capability.h>

#include "config/cfg.h"
#include "daemon/privdrop.h"
#include "daemon/settings.h"

#define BIT(c) PRIVDROP_BIT(c)
#define NEW_KERNEL 6018

static struct hvd_settings set;

static void load(const char *text)
{
	struct cfg *c = cfg_create();
	struct cfg_error err;

	assert_non_null(c);
	assert_int_equal(cfg_parse_buffer(c, "t.cfg", text, strlen(text),
					  &err), 0);
	assert_int_equal(settings_from_cfg(c, &set, &err), 0);
	cfg_destroy(c);
}

/* The interop test's case: free-running, software, UDPv4 on 319/320. */
static void test_free_running_software(void **state)
{
	(void)state;
	load("[global]\nfree_running 1\ntime_stamping software\n"
	     "user nobody\nuds_group daemon\n[eth0]\n");
	assert_string_equal(set.user, "nobody");
	assert_string_equal(set.uds_group, "daemon");
	assert_true(privdrop_caps_needed(&set, NEW_KERNEL) ==
		    BIT(CAP_NET_BIND_SERVICE));
	/* SO_BINDTODEVICE needs CAP_NET_RAW before 5.7 */
	assert_true(privdrop_caps_needed(&set, 5006) ==
		    (BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_NET_RAW)));
}

/* Adjusting clocks: CAP_SYS_TIME; a hardware port: CAP_NET_ADMIN too
 * (SIOCSHWTSTAMP when its interface comes back, and at close). */
static void test_adjusting_hardware(void **state)
{
	(void)state;
	load("[global]\n[eth0]\n");
	assert_true(privdrop_caps_needed(&set, NEW_KERNEL) ==
		    (BIT(CAP_SYS_TIME) | BIT(CAP_NET_BIND_SERVICE) |
		     BIT(CAP_NET_ADMIN)));
	load("[global]\ntime_stamping software\n[eth0]\n");
	assert_true(privdrop_caps_needed(&set, NEW_KERNEL) ==
		    (BIT(CAP_SYS_TIME) | BIT(CAP_NET_BIND_SERVICE)));
}

/* Socket options that need CAP_NET_ADMIN on every re-opened socket. */
static void test_socket_options(void **state)
{
	(void)state;
	load("[global]\nfree_running 1\ntime_stamping software\n"
	     "socket_priority 7\n[eth0]\n");
	assert_true(privdrop_caps_needed(&set, NEW_KERNEL) ==
		    (BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_NET_ADMIN)));
	load("[global]\nfree_running 1\ntime_stamping software\n"
	     "socket_priority 6\n[eth0]\n");
	assert_true(privdrop_caps_needed(&set, NEW_KERNEL) ==
		    BIT(CAP_NET_BIND_SERVICE));
	load("[global]\nfree_running 1\ntime_stamping software\n[eth0]\n"
	     "[vnet*]\nsocket_rcvbuf 4194304\n");
	assert_true(privdrop_caps_needed(&set, NEW_KERNEL) ==
		    (BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_NET_ADMIN)));
}

/* A metrics endpoint below 1024 keeps CAP_NET_BIND_SERVICE; nothing
 * kept for unprivileged ports alone. */
static void test_metrics_port(void **state)
{
	struct hvd_settings s;

	(void)state;
	load("[global]\nfree_running 1\ntime_stamping software\n"
	     "metrics_address 127.0.0.1:9100\n[eth0]\n");
	s = set;
	s.transport[0].event_port = 3190;
	s.transport[0].general_port = 3200;
	assert_true(privdrop_caps_needed(&s, NEW_KERNEL) == 0);
	snprintf(s.metrics_address, sizeof(s.metrics_address), "%s",
		 "127.0.0.1:900");
	assert_true(privdrop_caps_needed(&s, NEW_KERNEL) ==
		    BIT(CAP_NET_BIND_SERVICE));
	s.any_l2 = true;
	assert_true(privdrop_caps_needed(&s, NEW_KERNEL) ==
		    (BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_NET_RAW)));
}

static void test_caps_text(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(privdrop_caps_text(0, buf, sizeof(buf)), "none");
	assert_string_equal(privdrop_caps_text(BIT(CAP_SYS_TIME) |
					       BIT(CAP_NET_BIND_SERVICE),
					       buf, sizeof(buf)),
			    "cap_net_bind_service,cap_sys_time");
	assert_string_equal(privdrop_caps_text(BIT(CAP_SYS_ADMIN), buf,
					       sizeof(buf)),
			    "0x200000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_running_software),
		cmocka_unit_test(test_adjusting_hardware),
		cmocka_unit_test(test_socket_options),
		cmocka_unit_test(test_metrics_port),
		cmocka_unit_test(test_caps_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
