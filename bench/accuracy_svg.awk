#!/usr/bin/awk -f
# bench/accuracy_svg.awk — the time error plot of bench/accuracy.sh, as SVG.
#
# Input lines "configuration,t_s,err_ns"; output an SVG with two panels:
# the start (0-60 s, +-30 us) and the steady state (60 s to the end,
# +-400 ns), one coloured line per configuration, values outside a panel
# clipped to its edge.
BEGIN {
	FS = ","
	W = 900; H = 300; L = 70; T = 40; G = 70
	split("#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b", colour, " ")
	p1_t0 = 0; p1_t1 = 60; p1_y = 30000
	p2_t0 = 60; p2_y = 400
}
{
	if (!($1 in idx)) { idx[$1] = ++nc; cname[nc] = $1 }
	c = idx[$1]
	n[c]++
	t[c, n[c]] = $2 + 0
	e[c, n[c]] = $3 + 0
	if ($2 + 0 > tmax) tmax = $2 + 0
}
function px(tt, t0, t1) { return L + (tt - t0) / (t1 - t0) * W }
function py(v, ylim, top,   r) {
	if (v > ylim) v = ylim
	if (v < -ylim) v = -ylim
	return top + H / 2 - v / ylim * (H / 2)
}
function panel(t0, t1, ylim, top, title, unit, scale,   c, i, pts, k, v, x) {
	printf "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#444'/>\n", L, top, W, H
	printf "<text x='%d' y='%d' font-size='14'>%s</text>\n", L, top - 8, title
	for (k = -2; k <= 2; k++) {
		v = ylim * k / 2
		printf "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>\n", L, py(v, ylim, top), L + W, py(v, ylim, top)
		printf "<text x='%d' y='%.1f' font-size='11' text-anchor='end'>%g %s</text>\n", L - 4, py(v, ylim, top) + 4, v / scale, unit
	}
	for (k = 0; k <= 6; k++) {
		x = t0 + (t1 - t0) * k / 6
		printf "<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%d s</text>\n", px(x, t0, t1), top + H + 14, x
	}
	for (c = 1; c <= nc; c++) {
		pts = ""
		for (i = 1; i <= n[c]; i++) {
			if (t[c, i] < t0 || t[c, i] > t1)
				continue
			pts = pts sprintf("%.1f,%.1f ", px(t[c, i], t0, t1), py(e[c, i], ylim, top))
		}
		printf "<polyline fill='none' stroke='%s' stroke-width='1' points='%s'/>\n", colour[(c - 1) % 6 + 1], pts
	}
}
END {
	tot = T + 2 * H + G + 60 + 20 * nc
	printf "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif'>\n", L + W + 20, tot
	printf "<rect width='100%%' height='100%%' fill='white'/>\n"
	printf "<text x='%d' y='20' font-size='15'>hvptp-sim tests/sim/defaults.scn, seed 1: true time error of s1 (clock - grandmaster)</text>\n", L
	panel(p1_t0, p1_t1, p1_y, T, "start: master selected at about 10 s", "us", 1000)
	panel(p2_t0, tmax, p2_y, T + H + G, "steady state", "ns", 1)
	for (c = 1; c <= nc; c++) {
		y = T + 2 * H + G + 40 + 20 * (c - 1)
		printf "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='%s' stroke-width='2'/>\n", L, y - 4, L + 30, y - 4, colour[(c - 1) % 6 + 1]
		printf "<text x='%d' y='%d' font-size='12'>%s</text>\n", L + 36, y, cname[c]
	}
	print "</svg>"
}
