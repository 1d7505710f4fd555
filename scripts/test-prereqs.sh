#!/usr/bin/env bash
# Checks what `make test` needs before any test runs:
#   go and terraform on PATH (the acceptance tests drive the real terraform CLI),
#   git (docs check), sshd + sudo (the SSH tests start real OpenSSH servers
#   on 127.0.0.x and exercise the sudo path), fish + tcsh (the SSH tests
#   log in with those login shells, which parse command lines unlike sh), and
#   nginx (the load balancer test runs examples/load-balancer against a real
#   nginx that it starts on 127.x.y.1 with a prefix of its own).
# When one of them is missing and we are root on a machine with apt-get, it
# installs openssh-server, sudo, fish, tcsh and nginx; otherwise it says what
# to install and fails.
set -euo pipefail

missing_tools=()
for tool in go terraform git; do
	command -v "$tool" >/dev/null 2>&1 || missing_tools+=("$tool")
done
if ((${#missing_tools[@]})); then
	echo "make test: not found on PATH: ${missing_tools[*]}" >&2
	echo "make test: install Go (see go.mod for the version), Terraform (1.11.4 is what CI uses) and git first" >&2
	exit 1
fi

have_sshd() {
	command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]
}
have_sudo() {
	command -v sudo >/dev/null 2>&1
}
have_shells() {
	[ -x /usr/bin/fish ] && [ -x /usr/bin/tcsh ]
}
have_nginx() {
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]
}

if have_sshd && have_sudo && have_shells && have_nginx; then
	exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "make test: installing openssh-server, sudo, fish and tcsh (needed by the SSH tests) and nginx (the load balancer test)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends openssh-server sudo fish tcsh nginx </dev/null
	if have_sshd && have_sudo && have_shells && have_nginx; then
		exit 0
	fi
	echo "make test: openssh-server, sudo, fish, tcsh and nginx were installed but one of sshd, sudo, /usr/bin/fish, /usr/bin/tcsh, nginx is still not found" >&2
	exit 1
fi

echo "make test: the SSH tests need OpenSSH's sshd, sudo, fish and tcsh, the load balancer test nginx, and this machine lacks:" >&2
have_sshd || echo "  sshd  (Debian/Ubuntu: apt-get install openssh-server)" >&2
have_sudo || echo "  sudo  (Debian/Ubuntu: apt-get install sudo)" >&2
have_shells || echo "  fish and tcsh  (Debian/Ubuntu: apt-get install fish tcsh)" >&2
have_nginx || echo "  nginx  (Debian/Ubuntu: apt-get install nginx)" >&2
echo "make test: install them (as root: apt-get update && apt-get install -y openssh-server sudo fish tcsh nginx) and run make test again" >&2
exit 1
