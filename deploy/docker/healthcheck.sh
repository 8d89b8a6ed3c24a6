#!/bin/bash
# mp-healthcheck [PATH]: exits 0 when GET http://127.0.0.1:$MP_HTTP_PORT$PATH (default /ready) answers
# 200 within 3 s, 1 otherwise. Bash only (/dev/tcp), so the runtime image needs no curl.
# Used by the image's HEALTHCHECK and docker-compose; Kubernetes probes use httpGet instead.
path=${1:-/ready}
port=${MP_HTTP_PORT:?MP_HTTP_PORT is not set}
{ exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || exit 1
printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t 3 status <&3 || exit 1
case $status in
  "HTTP/1.1 200 "*) exit 0 ;;
  *) exit 1 ;;
esac
