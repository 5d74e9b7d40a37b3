/*
 * mgmt/hvptpctl.c — hvptpctl, the operator's tool for a running hvptpd:
 * status, get, set and watch over the management sockets.  Everything is
 * in mgmt/ctl.c (mgmt_ctl_main), so that tests can run the program
 * in-process; see docs/hvptpctl.8.
 */
#include <stdio.h>

#include "mgmt/ctl.h"

int main(int argc, char **argv)
{
	return mgmt_ctl_main(argc, argv, stdout, stderr);
}
