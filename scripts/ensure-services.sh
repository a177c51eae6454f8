#!/usr/bin/env bash
# Start (or install from Debian, then start) the services some tests talk to:
# PostgreSQL (127.0.0.1:5432, database "test"), Redis (127.0.0.1:6379), Mosquitto (127.0.0.1:1883).
# Best effort: a service that cannot be had makes its tests skip with the reason, nothing else.
set -u
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

apt_install() {
  echo "Installing $* from Debian for the tests"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null 2>&1 \
         && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1; }
}

wait_port() { for _ in $(seq 1 30); do port_open "$1" && return 0; sleep 1; done; return 1; }

# --- PostgreSQL ---------------------------------------------------------------------------
if ! port_open 5432; then
  installed_now=
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then apt_install postgresql && installed_now=1; fi
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
    if [ -n "$installed_now" ] && [ -n "$version" ]; then
      # a cluster of our own making: local trust for the tests, and their database
      echo "host all all 127.0.0.1/32 trust" | $SUDO tee -a "/etc/postgresql/$version/main/pg_hba.conf" >/dev/null
    fi
    [ -n "$version" ] && $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1
    wait_port 5432 && [ -n "$installed_now" ] \
      && $SUDO -u postgres psql -q -c "CREATE DATABASE test" >/dev/null 2>&1
  fi
  port_open 5432 && echo "PostgreSQL: up" || echo "PostgreSQL: unavailable (its tests will skip)"
fi

# --- Redis --------------------------------------------------------------------------------
if ! port_open 6379; then
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  if command -v redis-server >/dev/null 2>&1; then
    $SUDO mkdir -p /var/lib/redis /var/log/redis 2>/dev/null
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp --logfile /tmp/qms-test-redis.log >/dev/null 2>&1
    wait_port 6379
  fi
  port_open 6379 && echo "Redis: up" || echo "Redis: unavailable (its tests will skip)"
fi

# --- Mosquitto ----------------------------------------------------------------------------
if ! port_open 1883; then
  command -v mosquitto >/dev/null 2>&1 || apt_install mosquitto
  if command -v mosquitto >/dev/null 2>&1; then
    if [ -f /etc/mosquitto/mosquitto.conf ]; then
      mosquitto -d -c /etc/mosquitto/mosquitto.conf >/dev/null 2>&1
    else
      mosquitto -d -p 1883 >/dev/null 2>&1
    fi
    wait_port 1883
  fi
  port_open 1883 && echo "Mosquitto: up" || echo "Mosquitto: unavailable (its tests will skip)"
fi
exit 0
