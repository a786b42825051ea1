#!/usr/bin/env bash
# Run a command and start it again whenever it dies, so `make run` (honcho, which stops every
# process when one exits) keeps the portal up when the Celery worker is killed. Ctrl-C or a
# SIGTERM from honcho stops the command and this loop.
#   scripts/respawn.sh celery -A portal worker -l info
set -u
child=0
stopping=0
stop() {
  stopping=1
  if [ "$child" -ne 0 ]; then kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi
  exit 0
}
trap stop TERM INT
delay="${RESPAWN_DELAY_SECONDS:-2}"
while :; do
  "$@" &
  child=$!
  wait "$child"
  status=$?
  child=0
  [ "$stopping" -eq 1 ] && exit 0
  echo "respawn: '$1' stopped (exit $status); starting it again in ${delay} s; the web stays up." >&2
  sleep "$delay"
done
