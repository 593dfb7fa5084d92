#!/bin/bash
# Stop the charon of charon-up.sh and remove the namespaces. Usage: charon-down.sh DIR
D="$1"
[ -f $D/pid ] && kill $(cat $D/pid) 2>/dev/null
for i in $(seq 1 30); do kill -0 $(cat $D/pid 2>/dev/null) 2>/dev/null || break; sleep 0.1; done
ip netns del ckA 2>/dev/null || true; ip netns del ckB 2>/dev/null || true
true
