#!/usr/bin/env bash
# Watchdog of a test-infrastructure run (started by packages/testing, detached).
#
#   infra/test-watchdog.sh <owner-pid> <run-dir>
#
# While the owner (the process that provisioned PostgreSQL and Kafka, usually jest) lives and
# the run dir exists, it sleeps. When the owner is gone without cleaning up (SIGKILL, crash),
# it stops every process listed in <run-dir>/processes ("<pid> <signal> <name>" per line),
# waits for them, and removes the run dir. A normal teardown removes the run dir itself, and
# the watchdog exits quietly.
set -u
owner=${1:?owner pid}; run_dir=${2:?run dir}
while kill -0 "$owner" 2>/dev/null && [ -d "$run_dir" ]; do sleep 1; done
[ -d "$run_dir" ] || exit 0
if [ -f "$run_dir/processes" ]; then
  while read -r pid signal _name; do
    [ -n "$pid" ] && kill "-$signal" "$pid" 2>/dev/null
  done < "$run_dir/processes"
  for _ in $(seq 1 50); do
    alive=0
    while read -r pid _signal _name; do
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1
    done < "$run_dir/processes"
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  while read -r pid _signal _name; do
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  done < "$run_dir/processes"
fi
rm -rf "$run_dir"
