#!/bin/sh
# Set textpipe up on a Debian machine and run it.
#
#   sh setup.sh          install what is missing, build, and run the news
#                        pipeline over examples/ (records in news.jsonl)
#   sh setup.sh --test   install what is missing, build, and run the tests
#
# Packages are installed with apt-get (through sudo when not root).
set -eu
cd "$(dirname "$0")"

mode=run
case "${1:-}" in
    --test) mode=test ;;
    "") ;;
    *) echo "usage: sh setup.sh [--test]" >&2; exit 2 ;;
esac

packages="gcc make autoconf automake libtool pkg-config libltdl-dev libyaml-dev
libpcre2-dev libjansson-dev libutf8proc-dev"
[ "$mode" = test ] && packages="$packages check python3 parallel chromium"

missing=
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure -q
make -j"$(nproc)" >/dev/null

if [ "$mode" = test ]; then
    make -j"$(nproc)" check
else
    ./textpipe run pipelines/news.yaml examples/ -o news.jsonl
    echo "setup: the records are in news.jsonl"
fi
