# shellcheck shell=bash
# The C++ services: list, environment, start/stop, readiness.

# Start order (stop order is the reverse). Add new services before gateway.
SERVICES=(auth user order payment review notification gateway)

# Every service name that has a port (for the MP_<NAME>_URL variables).
ALL_SERVICE_NAMES=(auth user order payment review notification)

is_service() {
  local s
  for s in "${SERVICES[@]}"; do
    if [ "$s" = "$1" ]; then return 0; fi
  done
  return 1
}

service_port() {
  local var="MP_${1^^}_PORT"
  echo "${!var}"
}

# ---------- replicas ----------
# With N replicas (var/<inst>/replicas, written by `up --replicas N`, default 1) instance k (1..N) of a
# service is named NAME for k = 1 and NAME-k otherwise, and listens on the service's port + 100*(k-1).
# The gateway's instances all listen on MP_GATEWAY_PORT (SO_REUSEPORT: the kernel spreads connections
# over them) and each also on its own port MP_GATEWAY_PORT + 100*k, for probes and scrapes.
MAX_REPLICAS=8

replica_count() {
  local n
  n=$(cat "$V/replicas" 2>/dev/null || echo 1)
  case $n in [1-8]) echo "$n" ;; *) echo 1 ;; esac
}

instance_name() { # SERVICE K
  if [ "$2" = 1 ]; then echo "$1"; else echo "$1-$2"; fi
}
instance_service() { echo "${1%-[0-9]}"; }
instance_index() {
  case $1 in *-[0-9]) echo "${1##*-}" ;; *) echo 1 ;; esac
}

# instance_port NAME: the port only this instance listens on.
instance_port() {
  local s k
  s=$(instance_service "$1")
  k=$(instance_index "$1")
  if [ "$s" = gateway ]; then
    echo $((MP_GATEWAY_PORT + 100 * k))
  else
    echo $(($(service_port "$s") + 100 * (k - 1)))
  fi
}

# service_instances SERVICE [N]: the instance names of SERVICE (N defaults to the replica count).
service_instances() {
  local k n=${2:-$(replica_count)}
  for ((k = 1; k <= n; k++)); do instance_name "$1" "$k"; done
}

# service_urls SERVICE: MP_<SERVICE>_URL, every instance, comma-separated.
service_urls() {
  local name out=""
  for name in $(service_instances "$1"); do
    out+="${out:+,}http://127.0.0.1:$(instance_port "$name")"
  done
  echo "$out"
}

# service_instance_targets: one line "SERVICE INSTANCE PORT" per instance that should run (Prometheus).
service_instance_targets() {
  local s name
  for s in "${SERVICES[@]}"; do
    for name in $(service_instances "$s"); do
      echo "$s $name $(instance_port "$name")"
    done
  done
}

# running_instances SERVICE: names of SERVICE's instances that have a pid file (whatever the replica count).
running_instances() {
  local f
  for f in "$V/run/$1.pid" "$V/run/$1"-[0-9].pid; do
    if [ -f "$f" ]; then basename "$f" .pid; fi
  done
}

service_binary() {
  echo "$ROOT/build/$(instance_preset)/services/$1/mp-$1"
}

# service_env NAME: the environment of instance NAME (a service name = its first instance) as KEY=value
# lines (from infra.env).
service_env() {
  local name s var port level=info amqp_host=127.0.0.1 amqp_port=$MP_AMQP_PORT
  name=$(instance_service "$1")
  port=$(instance_port "$1")
  if [ "$name" = gateway ]; then port=$MP_GATEWAY_PORT; fi
  # Instance test's services reach RabbitMQ over TLS, verifying the local CA (rabbitmq-c checks DNS
  # names only: localhost), and MariaDB too (below).
  if [ "$INST" = test ]; then amqp_host=localhost amqp_port=$(amqps_port); fi
  if [ "$INST" = test ]; then level=debug; fi
  cat <<EOF
MP_INSTANCE=$MP_INSTANCE
MP_ENV=local
MP_LOG_LEVEL=$level
MP_HTTP_HOST=127.0.0.1
MP_HTTP_PORT=$port
MP_JWT_PUBLIC_KEYS=$MP_JWT_PUBLIC_KEYS
MP_ATTESTATION_KEY=$MP_ATTESTATION_KEY
MP_REDIS_HOST=127.0.0.1
MP_REDIS_PORT=$MP_REDIS_PORT
MP_REDIS_PASSWORD=$MP_REDIS_PASSWORD
MP_AMQP_HOST=$amqp_host
MP_AMQP_PORT=$amqp_port
MP_AMQP_USER=$MP_AMQP_USER
MP_AMQP_PASSWORD=$MP_AMQP_PASSWORD
MP_AMQP_VHOST=$MP_AMQP_VHOST
MP_MONGO_URI=mongodb://127.0.0.1:$MP_MONGO_PORT/
EOF
  if [ "$INST" = test ]; then
    echo "MP_AMQP_TLS=verify-identity"
    echo "MP_AMQP_TLS_CA=$V/tls/ca.pem"
  fi
  for s in "${ALL_SERVICE_NAMES[@]}"; do
    echo "MP_${s^^}_URL=$(service_urls "$s")"
  done
  case $name in
    auth | order | payment)
      var="MP_DB_PASSWORD_${name^^}"
      echo "MP_MYSQL_HOST=127.0.0.1"
      echo "MP_MYSQL_PORT=$MP_MYSQL_PORT"
      echo "MP_MYSQL_USER=${name}_svc"
      echo "MP_MYSQL_PASSWORD=${!var}"
      echo "MP_MYSQL_DATABASE=${name}_db"
      if [ "$INST" = test ]; then
        echo "MP_MYSQL_TLS=verify-identity"
        echo "MP_MYSQL_TLS_CA=$V/tls/ca.pem"
      fi
      # Only auth holds the private key: no other process can make a token anyone accepts.
      if [ "$name" = auth ]; then echo "MP_JWT_PRIVATE_KEY=$MP_JWT_PRIVATE_KEY"; fi
      # The e2e test of lost revocation markers waits for one restore round (default 30 s).
      if [ "$name" = auth ] && [ "$INST" = test ]; then echo "MP_REVOCATION_RESTORE_INTERVAL_S=2"; fi
      ;;
    gateway)
      echo "MP_HTTP_REUSE_PORT=true"
      echo "MP_HTTP_INSTANCE_PORT=$(instance_port "$1")"
      echo "MP_SWAGGER_DIR=$ROOT/tools/swagger/node_modules/swagger-ui-dist"
      echo "MP_OPENAPI_FILE=$ROOT/docs/openapi.yaml"
      echo "MP_WEB_DIR=$ROOT/web/dist"
      # The e2e tests speak for many clients from 127.0.0.1 through X-Forwarded-For.
      # The e2e tests poll inboxes while events flow: a per-user limit of 300/min instead of 60 (the
      # limits test reads X-RateLimit-Limit).
      if [ "$INST" = test ]; then
        echo "MP_TRUSTED_PROXIES=127.0.0.1"
        echo "MP_RATE_LIMIT_PER_MINUTE=300"
      fi
      ;;
  esac
}

# service_exec NAME COMMAND...: exec COMMAND with the service's environment
# (inherited MP_* variables are dropped first). Call it in a subshell.
service_exec() {
  local name=$1 envs v
  shift
  mapfile -t envs < <(service_env "$name")
  for v in $(compgen -e); do
    case $v in MP_*) unset "$v" ;; esac
  done
  exec env "${envs[@]}" "$@"
}

# service_ready NAME: instance NAME answers GET /ready with 200.
service_ready() {
  curl -fsS -o /dev/null -m 2 "http://127.0.0.1:$(instance_port "$1")/ready"
}

# service_launch NAME: start instance NAME in the background unless it runs already.
service_launch() {
  local name=$1 bin pid port
  bin=$(service_binary "$(instance_service "$name")")
  port=$(instance_port "$name")
  pid=$(read_pid "$V/run/$name.pid")
  if pid_alive "$pid"; then
    note "$name: already running (pid $pid, port $port)"
    return 0
  fi
  if [ ! -x "$bin" ]; then
    note "$name: skipped, no binary ${bin#"$ROOT"/} (build it first)"
    return 0
  fi
  # A process just killed keeps its listening socket until its last thread has exited: give it a moment.
  if port_open "$port" && ! wait_until 15 "" port_closed "$port"; then
    die "$name: port $port is already in use by another process: $(port_owner "$port")"
  fi
  (service_exec "$name" setsid "$bin" serve) >>"$V/log/$name.log" 2>&1 </dev/null &
  pid=$!
  disown "$pid" 2>/dev/null || true # no "Killed" line from this shell when a test kills it
  echo "$pid" >"$V/run/$name.pid"
  note "$name: started (pid $pid, port $port, ${bin#"$ROOT"/})"
}

# service_wait NAME: wait until instance NAME answers GET /ready with 200 (60 s); skip one not running.
service_wait() {
  local name=$1 pid port log t0=$SECONDS
  pid=$(read_pid "$V/run/$name.pid")
  port=$(instance_port "$name")
  log=$V/log/$name.log
  if ! pid_alive "$pid"; then
    if [ -x "$(service_binary "$(instance_service "$name")")" ]; then
      show_log_tail "$log"
      die "$name is not running (it exited during start-up?); log: $log"
    fi
    return 0
  fi
  if ! wait_until 60 "$pid" service_ready "$name"; then
    show_log_tail "$log"
    if pid_alive "$pid"; then
      die "$name (pid $pid) did not answer GET /ready with 200 within 60 s; log: $log"
    fi
    die "$name exited during start-up; log: $log"
  fi
  note "$name: ready on http://127.0.0.1:$port ($((SECONDS - t0)) s)"
}

# The commands below take a service (all its instances) or one instance (NAME-k).
targets_of() {
  if [ "$(instance_service "$1")" = "$1" ]; then service_instances "$1"; else echo "$1"; fi
}

service_start() {
  local name
  for name in $(targets_of "$1"); do service_launch "$name"; done
  for name in $(targets_of "$1"); do service_wait "$name"; done
}

service_stop() {
  local name
  for name in $(running_instances "$(instance_service "$1")"); do
    if [ "$(instance_service "$1")" = "$1" ] || [ "$name" = "$1" ]; then
      stop_pid "$name" "$V/run/$name.pid"
    fi
  done
}

# set_replicas N: record the replica count; if it changes while services run, stop them (they must all
# learn the new upstream lists).
set_replicas() {
  local n=$1 old
  case $n in [1-8]) ;; *) die "--replicas takes 1 to $MAX_REPLICAS, not '$n'" ;; esac
  old=$(replica_count)
  if [ "$old" != "$n" ] && [ -n "$(for s in "${SERVICES[@]}"; do running_instances "$s"; done)" ]; then
    note "replicas: $old -> $n, restarting the services"
    services_stop
  fi
  echo "$n" >"$V/replicas"
}

services_launch() {
  local s name
  for s in "${SERVICES[@]}"; do
    for name in $(service_instances "$s"); do service_launch "$name"; done
  done
}

services_wait() {
  local s name
  for s in "${SERVICES[@]}"; do
    for name in $(service_instances "$s"); do service_wait "$name"; done
  done
}

services_stop() {
  local i
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    service_stop "${SERVICES[$i]}"
  done
}
