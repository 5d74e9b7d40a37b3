/*
 * tests/unit/test_hwts_hwtstamp.c — hwts/hwtstamp.c with ioctl wrapped: the
 * order of receive filters asked for, what the driver answers (ERANGE,
 * broader filters, unsuitable ones, EOPNOTSUPP, EPERM), hwts_filter check
 * and full, and the restore of the configuration found at setup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>

#include "hwts/hwts_priv.h"
#include "tests/unit/hwts_test.h"

int __wrap_ioctl(int fd, unsigned long req, ...);

/* The fake driver: per requested rx filter, the errno to refuse with or
 * the filter it reports back (default: what was asked). */
static struct {
	struct hwtstamp_config cur;
	int get_err;
	int refuse[HWTSTAMP_FILTER_NTP_ALL + 1];
	int answer[HWTSTAMP_FILTER_NTP_ALL + 1];
	struct hwtstamp_config asked[8];
	int n_set, n_get;
} drv;

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	struct hwtstamp_config cfg;
	struct ifreq *ifr;
	va_list ap;

	(void)fd;
	va_start(ap, req);
	ifr = va_arg(ap, struct ifreq *);
	va_end(ap);
	assert_string_equal(ifr->ifr_name, "eth0");
	if (req == SIOCGHWTSTAMP) {
		drv.n_get++;
		if (drv.get_err) {
			errno = drv.get_err;
			return -1;
		}
		memcpy(ifr->ifr_data, &drv.cur, sizeof(drv.cur));
		return 0;
	}
	assert_int_equal(req, SIOCSHWTSTAMP);
	memcpy(&cfg, ifr->ifr_data, sizeof(cfg));
	assert_true(drv.n_set < 8);
	drv.asked[drv.n_set++] = cfg;
	assert_true(cfg.rx_filter >= 0 && cfg.rx_filter <= HWTSTAMP_FILTER_NTP_ALL);
	if (drv.refuse[cfg.rx_filter]) {
		errno = drv.refuse[cfg.rx_filter];
		return -1;
	}
	if (drv.answer[cfg.rx_filter] >= 0)
		cfg.rx_filter = drv.answer[cfg.rx_filter];
	drv.cur = cfg;
	memcpy(ifr->ifr_data, &cfg, sizeof(cfg));
	return 0;
}

static int setup(void **state)
{
	int i;

	(void)state;
	memset(&drv, 0, sizeof(drv));
	for (i = 0; i <= HWTSTAMP_FILTER_NTP_ALL; i++)
		drv.answer[i] = -1;
	drv.cur.tx_type = HWTSTAMP_TX_OFF;
	drv.cur.rx_filter = HWTSTAMP_FILTER_NONE;
	ht_log_reset();
	return 0;
}

/* hwts_hwtstamp_setup for eth0 as a UDP transport, two-step. */
static int setup_mode(enum hwts_filter_mode mode,
		      struct hwts_hwtstamp_state *st)
{
	struct hwts_hw_req req = { .mode = mode };

	return hwts_hwtstamp_setup("eth0", &req, st);
}

static void test_erange_then_l4(void **state)
{
	struct hwts_hwtstamp_state st;

	(void)state;
	drv.refuse[HWTSTAMP_FILTER_PTP_V2_EVENT] = ERANGE;
	assert_int_equal(setup_mode(HWTS_FILTER_NORMAL, &st),
			 0);
	assert_int_equal(drv.n_set, 2);
	assert_int_equal(drv.asked[0].tx_type, HWTSTAMP_TX_ON);
	assert_int_equal(drv.asked[0].rx_filter, HWTSTAMP_FILTER_PTP_V2_EVENT);
	assert_int_equal(drv.asked[1].tx_type, HWTSTAMP_TX_ON);
	assert_int_equal(drv.asked[1].rx_filter,
			 HWTSTAMP_FILTER_PTP_V2_L4_EVENT);
	assert_true(st.changed);
	assert_true(st.have_orig);
	assert_int_equal(st.rx_filter, HWTSTAMP_FILTER_PTP_V2_L4_EVENT);
	assert_true(ht_log_has("eth0: hardware timestamping on, rx_filter "
			       "PTP_V2_L4_EVENT"));
}

static void test_driver_answers(void **state)
{
	struct hwts_hwtstamp_state st;

	(void)state;
	/* a broader filter than asked is fine */
	drv.answer[HWTSTAMP_FILTER_PTP_V2_EVENT] = HWTSTAMP_FILTER_ALL;
	assert_int_equal(setup_mode(HWTS_FILTER_NORMAL, &st),
			 0);
	assert_int_equal(drv.n_set, 1);
	assert_int_equal(st.rx_filter, HWTSTAMP_FILTER_ALL);
	/* Sync only is not: go on to the next request */
	setup(NULL);
	drv.answer[HWTSTAMP_FILTER_PTP_V2_EVENT] =
		HWTSTAMP_FILTER_PTP_V2_L4_SYNC;
	drv.answer[HWTSTAMP_FILTER_PTP_V2_L4_EVENT] =
		HWTSTAMP_FILTER_PTP_V2_L4_SYNC;
	assert_int_equal(setup_mode(HWTS_FILTER_NORMAL, &st),
			 0);
	assert_int_equal(drv.n_set, 3);
	assert_int_equal(drv.asked[2].rx_filter, HWTSTAMP_FILTER_ALL);
	assert_int_equal(st.rx_filter, HWTSTAMP_FILTER_ALL);
}

static void test_refuses_everything(void **state)
{
	struct hwts_hwtstamp_state st;
	int i;

	(void)state;
	for (i = 0; i <= HWTSTAMP_FILTER_NTP_ALL; i++)
		drv.refuse[i] = ERANGE;
	assert_int_equal(setup_mode(HWTS_FILTER_NORMAL, &st),
			 -ERANGE);
	assert_int_equal(drv.n_set, 3);
	assert_false(st.changed);
	assert_true(ht_log_has("eth0: driver refused HWTSTAMP_TX_ON with "
			       "rx_filter PTP_V2_EVENT, PTP_V2_L4_EVENT, ALL "
			       "(ERANGE)"));
}

static void test_not_supported(void **state)
{
	struct hwts_hwtstamp_state st;
	int i;

	(void)state;
	drv.get_err = EOPNOTSUPP;
	for (i = 0; i <= HWTSTAMP_FILTER_NTP_ALL; i++)
		drv.refuse[i] = EOPNOTSUPP;
	assert_int_equal(setup_mode(HWTS_FILTER_NORMAL, &st),
			 -EOPNOTSUPP);
	assert_int_equal(drv.n_set, 1); /* no point in other filters */
	assert_false(st.have_orig);
	assert_true(ht_log_has("eth0: driver refused HWTSTAMP_TX_ON "
			       "(EOPNOTSUPP)"));
	setup(NULL);
	drv.refuse[HWTSTAMP_FILTER_PTP_V2_EVENT] = EPERM;
	assert_int_equal(setup_mode(HWTS_FILTER_NORMAL, &st),
			 -EPERM);
	assert_true(ht_log_has("eth0: SIOCSHWTSTAMP not permitted (EPERM)"));
	/* no such device: SIOCGHWTSTAMP already says so */
	setup(NULL);
	drv.get_err = ENODEV;
	assert_int_equal(setup_mode(HWTS_FILTER_NORMAL, &st),
			 -ENODEV);
	assert_int_equal(drv.n_set, 0);
}

static void test_check_mode(void **state)
{
	struct hwts_hwtstamp_state st;

	(void)state;
	/* not set up: fail, and touch nothing */
	assert_int_equal(setup_mode(HWTS_FILTER_CHECK, &st),
			 -EINVAL);
	assert_int_equal(drv.n_set, 0);
	assert_true(ht_log_has("eth0: hwts_filter check"));
	/* set up by someone else: fine, still nothing set */
	drv.cur.tx_type = HWTSTAMP_TX_ON;
	drv.cur.rx_filter = HWTSTAMP_FILTER_PTP_V2_L4_EVENT;
	assert_int_equal(setup_mode(HWTS_FILTER_CHECK, &st),
			 0);
	assert_int_equal(drv.n_set, 0);
	assert_false(st.changed);
	/* a Sync-only filter is not enough */
	drv.cur.rx_filter = HWTSTAMP_FILTER_PTP_V2_SYNC;
	assert_int_equal(setup_mode(HWTS_FILTER_CHECK, &st),
			 -EINVAL);
	/* cannot even read it */
	drv.get_err = EOPNOTSUPP;
	assert_int_equal(setup_mode(HWTS_FILTER_CHECK, &st),
			 -EOPNOTSUPP);
	assert_int_equal(drv.n_set, 0);
}

static void test_full_and_already_on(void **state)
{
	struct hwts_hwtstamp_state st;

	(void)state;
	assert_int_equal(setup_mode(HWTS_FILTER_FULL, &st), 0);
	assert_int_equal(drv.n_set, 1);
	assert_int_equal(drv.asked[0].rx_filter, HWTSTAMP_FILTER_ALL);
	/* normal mode leaves a suitable configuration alone */
	setup(NULL);
	drv.cur.tx_type = HWTSTAMP_TX_ON;
	drv.cur.rx_filter = HWTSTAMP_FILTER_PTP_V2_EVENT;
	assert_int_equal(setup_mode(HWTS_FILTER_NORMAL, &st),
			 0);
	assert_int_equal(drv.n_set, 0);
	assert_false(st.changed);
	/* full mode insists on ALL */
	assert_int_equal(setup_mode(HWTS_FILTER_FULL, &st), 0);
	assert_int_equal(drv.n_set, 1);
	assert_int_equal(drv.asked[0].rx_filter, HWTSTAMP_FILTER_ALL);
}

static void test_restore(void **state)
{
	struct hwts_hwtstamp_state st;

	(void)state;
	drv.cur.tx_type = HWTSTAMP_TX_OFF;
	drv.cur.rx_filter = HWTSTAMP_FILTER_NTP_ALL;
	assert_int_equal(setup_mode(HWTS_FILTER_NORMAL, &st),
			 0);
	assert_int_equal(drv.n_set, 1);
	hwts_hwtstamp_restore("eth0", &st);
	assert_int_equal(drv.n_set, 2);
	assert_int_equal(drv.asked[1].tx_type, HWTSTAMP_TX_OFF);
	assert_int_equal(drv.asked[1].rx_filter, HWTSTAMP_FILTER_NTP_ALL);
	assert_int_equal(drv.cur.rx_filter, HWTSTAMP_FILTER_NTP_ALL);
	/* once only */
	hwts_hwtstamp_restore("eth0", &st);
	assert_int_equal(drv.n_set, 2);
	/* unknown original (no SIOCGHWTSTAMP): left as it is */
	setup(NULL);
	drv.get_err = EOPNOTSUPP;
	assert_int_equal(setup_mode(HWTS_FILTER_NORMAL, &st),
			 0);
	hwts_hwtstamp_restore("eth0", &st);
	assert_int_equal(drv.n_set, 1);
}

/* L2: the second choice is PTP_V2_L2_EVENT, and L4_EVENT is no good. */
static void test_l2_filters(void **state)
{
	struct hwts_hw_req req = { .mode = HWTS_FILTER_NORMAL, .l2 = true };
	struct hwts_hwtstamp_state st;

	(void)state;
	drv.refuse[HWTSTAMP_FILTER_PTP_V2_EVENT] = ERANGE;
	assert_int_equal(hwts_hwtstamp_setup("eth0", &req, &st), 0);
	assert_int_equal(drv.n_set, 2);
	assert_int_equal(drv.asked[1].rx_filter,
			 HWTSTAMP_FILTER_PTP_V2_L2_EVENT);
	assert_int_equal(st.rx_filter, HWTSTAMP_FILTER_PTP_V2_L2_EVENT);
	/* a driver that answers with an L4-only filter: not enough */
	setup(NULL);
	drv.answer[HWTSTAMP_FILTER_PTP_V2_EVENT] =
		HWTSTAMP_FILTER_PTP_V2_L4_EVENT;
	drv.answer[HWTSTAMP_FILTER_PTP_V2_L2_EVENT] =
		HWTSTAMP_FILTER_PTP_V2_L4_EVENT;
	drv.answer[HWTSTAMP_FILTER_ALL] = HWTSTAMP_FILTER_PTP_V2_L4_EVENT;
	assert_int_equal(hwts_hwtstamp_setup("eth0", &req, &st), -ERANGE);
	/* already on for L2: left alone */
	setup(NULL);
	drv.cur.tx_type = HWTSTAMP_TX_ON;
	drv.cur.rx_filter = HWTSTAMP_FILTER_PTP_V2_L2_EVENT;
	assert_int_equal(hwts_hwtstamp_setup("eth0", &req, &st), 0);
	assert_int_equal(drv.n_set, 0);
}

/* time_stamping onestep / p2p1step: the one-step tx_type is asked for,
 * and TX_ON found in force is not what one-step needs. */
static void test_onestep_tx_type(void **state)
{
	struct hwts_hw_req req = { .mode = HWTS_FILTER_NORMAL,
				   .onestep = HWTS_ONESTEP_SYNC };
	struct hwts_hwtstamp_state st;

	(void)state;
	drv.cur.tx_type = HWTSTAMP_TX_ON;
	drv.cur.rx_filter = HWTSTAMP_FILTER_PTP_V2_EVENT;
	assert_int_equal(hwts_hwtstamp_setup("eth0", &req, &st), 0);
	assert_int_equal(drv.n_set, 1);
	assert_int_equal(drv.asked[0].tx_type, HWTSTAMP_TX_ONESTEP_SYNC);
	assert_true(ht_log_has("one-step Sync"));
	hwts_hwtstamp_restore("eth0", &st);
	assert_int_equal(drv.asked[1].tx_type, HWTSTAMP_TX_ON);
	setup(NULL);
	req.onestep = HWTS_ONESTEP_P2P;
	assert_int_equal(hwts_hwtstamp_setup("eth0", &req, &st), 0);
	assert_int_equal(drv.asked[0].tx_type, HWTSTAMP_TX_ONESTEP_P2P);
	/* check mode: what is in force must be the one-step type */
	setup(NULL);
	req.mode = HWTS_FILTER_CHECK;
	drv.cur.tx_type = HWTSTAMP_TX_ON;
	drv.cur.rx_filter = HWTSTAMP_FILTER_PTP_V2_EVENT;
	assert_int_equal(hwts_hwtstamp_setup("eth0", &req, &st), -EINVAL);
	assert_true(ht_log_has("need tx_type HWTSTAMP_TX_ONESTEP_P2P"));
	assert_int_equal(hwts_tx_type(HWTS_ONESTEP_OFF), HWTSTAMP_TX_ON);
	assert_string_equal(hwts_tx_type_name(HWTSTAMP_TX_ONESTEP_SYNC),
			    "HWTSTAMP_TX_ONESTEP_SYNC");
}

static void test_filter_table(void **state)
{
	(void)state;
	assert_true(hwts_rx_filter_ok(HWTSTAMP_FILTER_ALL, false));
	assert_true(hwts_rx_filter_ok(HWTSTAMP_FILTER_SOME, false));
	assert_true(hwts_rx_filter_ok(HWTSTAMP_FILTER_PTP_V2_EVENT, false));
	assert_true(hwts_rx_filter_ok(HWTSTAMP_FILTER_PTP_V2_L4_EVENT, false));
	assert_false(hwts_rx_filter_ok(HWTSTAMP_FILTER_NONE, false));
	assert_false(hwts_rx_filter_ok(HWTSTAMP_FILTER_PTP_V2_L2_EVENT, false));
	assert_false(hwts_rx_filter_ok(HWTSTAMP_FILTER_PTP_V2_L4_SYNC, false));
	assert_false(hwts_rx_filter_ok(HWTSTAMP_FILTER_PTP_V1_L4_EVENT, false));
	assert_true(hwts_rx_filter_ok(HWTSTAMP_FILTER_PTP_V2_L2_EVENT, true));
	assert_true(hwts_rx_filter_ok(HWTSTAMP_FILTER_PTP_V2_EVENT, true));
	assert_false(hwts_rx_filter_ok(HWTSTAMP_FILTER_PTP_V2_L4_EVENT, true));
	assert_false(hwts_rx_filter_ok(HWTSTAMP_FILTER_PTP_V2_L2_SYNC, true));
	assert_string_equal(hwts_rx_filter_name(HWTSTAMP_FILTER_PTP_V2_EVENT),
			    "PTP_V2_EVENT");
	assert_string_equal(hwts_rx_filter_name(99), "unknown");
	assert_string_equal(hwts_rx_filter_name(-1), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_erange_then_l4, setup),
		cmocka_unit_test_setup(test_driver_answers, setup),
		cmocka_unit_test_setup(test_refuses_everything, setup),
		cmocka_unit_test_setup(test_not_supported, setup),
		cmocka_unit_test_setup(test_check_mode, setup),
		cmocka_unit_test_setup(test_full_and_already_on, setup),
		cmocka_unit_test_setup(test_restore, setup),
		cmocka_unit_test_setup(test_l2_filters, setup),
		cmocka_unit_test_setup(test_onestep_tx_type, setup),
		cmocka_unit_test_setup(test_filter_table, setup),
	};

	return cmocka_run_group_tests_name("hwts_hwtstamp", tests, NULL, NULL);
}
