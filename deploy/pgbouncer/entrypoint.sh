#!/bin/sh
# The password file from the environment, then pgbouncer in the foreground.
set -eu
printf '"gimark" "%s"\n' "$POSTGRES_PASSWORD" > /etc/pgbouncer/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
