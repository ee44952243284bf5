#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Every filter and the event selection, on one set of flows: protocols,
# IPv4-only network lists and mark in the kernel (BPF); family, zone,
# NAT-only and lists with IPv6 prefixes in the module, counted as filtered.
# Then the same filters on a start-up dump (dump="on") of the same flows:
# a dump has no kernel filter, so each is the module's (nfct-filter.c).
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS=imnfct
ns_add F
cc -O2 -o "$W/ctinsert" "$TOP/tests/tools/ctinsert.c" -lmnl -lnetfilter_conntrack || exit 1
nsx F nft add table ip t
one() { # name, params
	printf 'ruleset(name="%s") { action(type="omfile" file="%s/%s.out" template="flow") }\ninput(type="imnfct" netns="%sF" ruleset="%s" %s)\n' \
		"$1" "$W" "$1" "$NSP" "$1" "$2"
}
rs_conf "
template(name=\"flow\" type=\"string\" string=\"%\$!event!action% %\$!network!transport% %\$!source!ip% %\$!destination!ip% %\$!netfilter!ct!mark% %\$!netfilter!ct!zone%\\n\")
$(one all 'events=["new","update","destroy"] sysctl="on"')
$(one destroy 'events="destroy"')
$(one udp 'protocols="udp" events="new"')
$(one icmp 'protocols="icmp, icmpv6" events="new"')
$(one src 'src="10.99.0.0/30" events="new"')
$(one dst 'dst="10.98.0.1/32,fd00::/8" events="new"')
$(one mark 'mark="0x20/0xf0" events="new"')
$(one v6 'family="ipv6" events="new"')
$(one zone 'zone="7" events="new"')
$(one nat 'nat_only="on" events="new"')
"
rs_start
nsx F "$W/ctinsert" 5 > /dev/null                                     # UDP 10.99.0.0 -> 10.98.0.1
nsx F conntrack -I -p icmp -s 10.97.0.1 -d 10.97.0.2 --icmp-type 8 --icmp-code 0 --icmp-id 9 -t 60 -m 0x25 2> /dev/null
nsx F conntrack -I -p tcp -s fd00::1 -d fd00::2 --sport 1 --dport 2 --state ESTABLISHED -t 60 -w 7 2> /dev/null
nsx F conntrack -I -p udp -s 10.96.0.1 -d 10.96.0.2 --sport 1 --dport 2 -t 60 --src-nat 10.96.9.9 2> /dev/null
nsx F conntrack -U -p icmp -s 10.97.0.1 -m 0x26 > /dev/null 2>&1
nsx F conntrack -F 2> /dev/null
quiesce "$W"/*.out
rs_stop
cnt() { wc -l < "$W/$1.out" 2>/dev/null || echo 0; }
expect_eq "events new, update, destroy: all" "8 1 8" \
  "$(grep -c '^conntrack-new' "$W/all.out") $(grep -c '^conntrack-update' "$W/all.out") $(grep -c '^conntrack-destroy' "$W/all.out")"
expect_eq "default-less events=destroy" "8 0" "$(cnt destroy) $(grep -vc '^conntrack-destroy' "$W/destroy.out")"
expect_eq "protocols=udp (kernel)" "6" "$(cnt udp)"
expect_eq "protocols=icmp,icmpv6 (kernel)" "conntrack-new icmp 10.97.0.1 10.97.0.2 37 " "$(cat "$W/icmp.out")"
expect_eq "src CIDR, IPv4 only (kernel)" "5 0" "$(cnt src) $(grep -c fd00 "$W/src.out")"
expect_eq "dst CIDRs, v4 and v6 (module)" "6" "$(cnt dst)"
expect_eq "mark/mask (kernel)" "conntrack-new icmp 10.97.0.1 10.97.0.2 37 " "$(cat "$W/mark.out")"
expect_eq "family=ipv6" "conntrack-new tcp fd00::1 fd00::2 0 7" "$(cat "$W/v6.out")"
expect_eq "zone" "conntrack-new tcp fd00::1 fd00::2 0 7" "$(cat "$W/zone.out")"
expect_eq "NAT only" "conntrack-new udp 10.96.0.1 10.96.0.2 0 " "$(cat "$W/nat.out")"
expect_eq "module-side filtering is counted" "yes" \
  "$(grep 'imnfct(' "$W/stats" | tail -10 | grep -q '"filtered": [1-9]' && echo yes)"

# The start-up dump of the same flows through the same filters
nsx F "$W/ctinsert" 5 > /dev/null
nsx F conntrack -I -p icmp -s 10.97.0.1 -d 10.97.0.2 --icmp-type 8 --icmp-code 0 --icmp-id 9 -t 60 -m 0x25 2> /dev/null
nsx F conntrack -I -p tcp -s fd00::1 -d fd00::2 --sport 1 --dport 2 --state ESTABLISHED -t 60 -w 7 2> /dev/null
nsx F conntrack -I -p udp -s 10.96.0.1 -d 10.96.0.2 --sport 1 --dport 2 -t 60 --src-nat 10.96.9.9 2> /dev/null
rs_conf "
template(name=\"flow\" type=\"string\" string=\"%\$!network!transport% %\$!source!ip% %\$!destination!ip% %\$!netfilter!ct!mark% %\$!netfilter!ct!zone%\\n\")
$(one d_all 'events="destroy" dump="on"')
$(one d_udp 'protocols="udp" events="destroy" dump="on"')
$(one d_icmp 'protocols="icmp, icmpv6" events="destroy" dump="on"')
$(one d_src 'src="10.99.0.0/30" events="destroy" dump="on"')
$(one d_dst 'dst="10.98.0.1/32,fd00::/8" events="destroy" dump="on"')
$(one d_mark 'mark="0x20/0xf0" events="destroy" dump="on"')
$(one d_v6 'family="ipv6" events="destroy" dump="on"')
$(one d_zone 'zone="7" events="destroy" dump="on"')
$(one d_nat 'nat_only="on" events="destroy" dump="on"')
"
rs_start
wait_lines "$W/d_all.out" 8
quiesce "$W"/d_*.out
rs_stop
nsx F conntrack -F 2> /dev/null
expect_eq "dump: every flow without a filter" 8 "$(cnt d_all)"
expect_eq "dump: protocols=udp" "6 0" "$(cnt d_udp) $(grep -vc '^udp ' "$W/d_udp.out")"
expect_eq "dump: protocols=icmp,icmpv6" "icmp 10.97.0.1 10.97.0.2 37 " "$(cat "$W/d_icmp.out")"
expect_eq "dump: src CIDR" "5 0" "$(cnt d_src) $(grep -c fd00 "$W/d_src.out")"
expect_eq "dump: dst CIDRs, v4 and v6" "6" "$(cnt d_dst)"
expect_eq "dump: mark/mask" "icmp 10.97.0.1 10.97.0.2 37 " "$(cat "$W/d_mark.out")"
expect_eq "dump: family=ipv6" "tcp fd00::1 fd00::2 0 7" "$(cat "$W/d_v6.out")"
expect_eq "dump: zone" "tcp fd00::1 fd00::2 0 7" "$(cat "$W/d_zone.out")"
expect_eq "dump: NAT only" "udp 10.96.0.1 10.96.0.2 0 " "$(cat "$W/d_nat.out")"
