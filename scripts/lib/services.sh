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

service_binary() {
  echo "$ROOT/build/$(instance_preset)/services/$1/mp-$1"
}

# service_env NAME: the service's environment as KEY=value lines (from infra.env).
service_env() {
  local name=$1 s var level=info
  if [ "$INST" = test ]; then level=debug; fi
  cat <<EOF
MP_INSTANCE=$MP_INSTANCE
MP_ENV=local
MP_LOG_LEVEL=$level
MP_HTTP_HOST=127.0.0.1
MP_HTTP_PORT=$(service_port "$name")
MP_JWT_SECRET=$MP_JWT_SECRET
MP_REDIS_HOST=127.0.0.1
MP_REDIS_PORT=$MP_REDIS_PORT
MP_REDIS_PASSWORD=$MP_REDIS_PASSWORD
MP_AMQP_HOST=127.0.0.1
MP_AMQP_PORT=$MP_AMQP_PORT
MP_AMQP_USER=$MP_AMQP_USER
MP_AMQP_PASSWORD=$MP_AMQP_PASSWORD
MP_AMQP_VHOST=$MP_AMQP_VHOST
MP_MONGO_URI=mongodb://127.0.0.1:$MP_MONGO_PORT/
EOF
  for s in "${ALL_SERVICE_NAMES[@]}"; do
    echo "MP_${s^^}_URL=http://127.0.0.1:$(service_port "$s")"
  done
  case $name in
    auth | order | payment)
      var="MP_DB_PASSWORD_${name^^}"
      echo "MP_MYSQL_HOST=127.0.0.1"
      echo "MP_MYSQL_PORT=$MP_MYSQL_PORT"
      echo "MP_MYSQL_USER=${name}_svc"
      echo "MP_MYSQL_PASSWORD=${!var}"
      echo "MP_MYSQL_DATABASE=${name}_db"
      ;;
    gateway)
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

service_ready() {
  curl -fsS -o /dev/null -m 2 "http://127.0.0.1:$(service_port "$1")/ready"
}

# service_launch NAME: start the service in the background unless it runs already.
service_launch() {
  local name=$1 bin pid port
  bin=$(service_binary "$name")
  port=$(service_port "$name")
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
  echo "$pid" >"$V/run/$name.pid"
  note "$name: started (pid $pid, port $port, ${bin#"$ROOT"/})"
}

# service_wait NAME: wait until GET /ready answers 200 (60 s); skip services not running.
service_wait() {
  local name=$1 pid port log t0=$SECONDS
  pid=$(read_pid "$V/run/$name.pid")
  port=$(service_port "$name")
  log=$V/log/$name.log
  if ! pid_alive "$pid"; then
    if [ -x "$(service_binary "$name")" ]; then
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

service_start() {
  service_launch "$1"
  service_wait "$1"
}

service_stop() {
  stop_pid "$1" "$V/run/$1.pid"
}

services_launch() {
  local s
  for s in "${SERVICES[@]}"; do
    service_launch "$s"
  done
}

services_wait() {
  local s
  for s in "${SERVICES[@]}"; do
    service_wait "$s"
  done
}

services_stop() {
  local i
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    service_stop "${SERVICES[$i]}"
  done
}
