#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: Python virtualenvs, RabbitMQ, the embedded
# MongoDB-compatible server. Safe to run again; does only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
AMQP_URI=${AMQP_URI:-amqp://guest:guest@127.0.0.1:5672/}

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# 1. The services' virtualenv (pinned; pymongo 4.15.x for eventlet).
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
    say "creating .venv with the pinned dependencies"
    [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
    .venv/bin/pip install -q --upgrade pip >/dev/null
    .venv/bin/pip install -q -e '.[test]'
    rm -f .venv/.installed-*; touch "$stamp"
fi

# 2. nx-27017 in its own virtualenv (it needs pymongo >= 4.18, the services need 4.15.x).
if [ -z "${MONGO_URI:-}" ] && [ ! -x .venv-nx/bin/nx-27017 ]; then
    say "creating .venv-nx with nx-27017"
    "$PYTHON" -m venv .venv-nx
    .venv-nx/bin/pip install -q 'nx-27017==0.8.1'
fi

# 3. RabbitMQ: use the one answering on AMQP_URI, else install and start Debian's.
broker_host_port() { .venv/bin/python - "$AMQP_URI" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1]); print(u.hostname or "127.0.0.1", u.port or 5672)
PY
}
read -r host port < <(broker_host_port)
if ! (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
    if [ "$host" != 127.0.0.1 ] && [ "$host" != localhost ]; then
        echo "no broker answers at $host:$port (AMQP_URI); start it or unset AMQP_URI" >&2; exit 1
    fi
    if ! command -v rabbitmq-server >/dev/null 2>&1; then
        say "installing rabbitmq-server (Debian package)"
        export DEBIAN_FRONTEND=noninteractive
        SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
        $SUDO apt-get update -qq
        $SUDO apt-get install -y -qq rabbitmq-server >/dev/null
    fi
    say "starting rabbitmq-server"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO rabbitmq-server -detached || true
    for _ in $(seq 1 60); do
        (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && break
        sleep 1
    done
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null || { echo "rabbitmq did not start" >&2; exit 1; }
fi
# 4. A browser for the page tests: Debian's chromium, headless (installed once, where missing).
if ! command -v chromium >/dev/null 2>&1; then
    say "installing chromium (Debian package, for the headless page tests)"
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null; }; then
        echo "chromium could not be installed: the page tests will say so" >&2
    fi
fi
# ... and its WebDriver (chromium-driver), which Selenium drives in tests/browser/.
if ! command -v chromedriver >/dev/null 2>&1; then
    say "installing chromium-driver (Debian package, for the browser tests)"
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium-driver >/dev/null; }; then
        echo "chromium-driver could not be installed: the browser tests will say so" >&2
    fi
fi
say "ready: .venv, $( [ -n "${MONGO_URI:-}" ] && echo "MONGO_URI" || echo .venv-nx ), broker at $host:$port"
