#!/bin/bash
# CPU ticks (1/100 s) used by the PostgreSQL cluster so far: postmaster (own + reaped backends) + live children
PM=$(head -1 "$PGDATA"/postmaster.pid)
T=$(awk '{print $14+$15+$16+$17}' /proc/$PM/stat)
for c in $(cat /proc/$PM/task/*/children); do T=$((T + $(awk '{print $14+$15}' /proc/$c/stat 2>/dev/null || echo 0))); done
echo $T
