#!/bin/bash
# Stop the charons of strongswan-up.sh and remove its namespaces. Usage: strongswan-down.sh DIR [TAG]
D="$1"
T="${2:-cd}"
for n in A B; do [ -f "$D/$n/pid" ] && kill -9 "$(cat "$D/$n/pid")" 2>/dev/null; done
ip netns del ${T}A 2>/dev/null
ip netns del ${T}B 2>/dev/null
exit 0
