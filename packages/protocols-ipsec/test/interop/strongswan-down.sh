#!/bin/bash
# Stop the charons of strongswan-up.sh and remove its namespaces. Usage: strongswan-down.sh DIR
D="$1"
for n in A B; do [ -f "$D/$n/pid" ] && kill -9 "$(cat "$D/$n/pid")" 2>/dev/null; done
ip netns del cdA 2>/dev/null
ip netns del cdB 2>/dev/null
exit 0
