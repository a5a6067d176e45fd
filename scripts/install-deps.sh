#!/bin/sh
# Installs what mpimis' sandbox and tests need on Debian 12 when it is
# missing: Prosody and ejabberd (the real XMPP servers the integration
# tests and the sandbox run), Node.js and npm (to build the status page, see
# build-web.sh) and Chromium with its driver (the status page's browser
# tests). Go 1.26 must already be installed. Needs root to install.
set -eu

if ! command -v go >/dev/null 2>&1; then
	echo "install-deps: Go 1.26 is required (https://go.dev/dl/)" >&2
	exit 1
fi

missing=""
[ -x /usr/bin/prosody ] || missing="$missing prosody"
[ -x /usr/sbin/ejabberdctl ] || missing="$missing ejabberd"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/bin/chromedriver ] || missing="$missing chromium-driver"

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "install-deps: need root to install:$missing" >&2
		exit 1
	fi
	echo "install-deps: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
	# Debian may start the system Prosody on install; the sandbox and the
	# tests run their own instance on other ports, so leave it be.
fi
