# shellcheck shell=bash
# Infrastructure as plain processes of one instance: mariadb, redis, rabbitmq, postgres (FerretDB's
# backend), ferretdb.
# Data in var/<inst>/<component>/, pid files in var/<inst>/run/, logs in var/<inst>/log/.
# Every server runs as the user who runs ./marketplace (root on a fresh machine), not as the Debian
# system users mysql/redis/rabbitmq: those could not enter a checkout inside a folder of mode 0700
# (a home folder, a `mktemp -d`). They listen on 127.0.0.1 only.

INFRA_COMPONENTS=(mariadb redis rabbitmq postgres ferretdb)

infra_port() {
  case $1 in
    mariadb) echo "$MP_MYSQL_PORT" ;;
    redis) echo "$MP_REDIS_PORT" ;;
    rabbitmq) echo "$MP_AMQP_PORT" ;;
    postgres) echo "$MP_POSTGRES_PORT" ;;
    ferretdb) echo "$MP_MONGO_PORT" ;;
  esac
}

is_infra_component() {
  case $1 in
    mariadb | redis | rabbitmq | postgres | ferretdb) return 0 ;;
    *) return 1 ;;
  esac
}

# ---------- mariadb ----------
mysql_root() {
  mariadb --no-defaults -S "$V/run/mysqld.sock" -uroot "$@"
}

mariadb_healthy() {
  mysql_root -N -e 'SELECT 1' >/dev/null 2>&1
}

# ---------- TLS ----------
# A local CA and a server certificate for localhost / 127.0.0.1 (var/<inst>/tls/, made once): MariaDB
# and RabbitMQ offer TLS with it, and instance test's services connect through TLS, verifying it.
tls_init() {
  local d=$V/tls
  if [ -f "$d/server.pem" ]; then return 0; fi
  mkdir -p "$d"
  (
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Service Marketplace local CA ($INST)" \
      -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$d/server.key" -out "$d/server.csr" \
      2>/dev/null
    printf '%s\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1' 'basicConstraints=CA:FALSE' \
      'extendedKeyUsage=serverAuth' >"$d/server.ext"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 3650 \
      -extfile "$d/server.ext" -out "$d/server.pem" 2>/dev/null
  ) || die "could not create the local TLS certificates in $d (openssl)"
}

# The AMQPS port (infra.env files written before it existed lack MP_AMQPS_PORT).
amqps_port() { echo "${MP_AMQPS_PORT:-$((MP_AMQP_PORT - 11))}"; }

mariadb_launch() {
  if [ ! -d "$V/mysql/mysql" ]; then
    note "mariadb: first start, initialising $V/mysql"
    mariadb-install-db --no-defaults --datadir="$V/mysql" --user="$(id -un)" \
      --auth-root-authentication-method=socket --skip-test-db >>"$V/log/mariadb.log" 2>&1 ||
      { show_log_tail "$V/log/mariadb.log"; die "mariadb-install-db failed"; }
  fi
  tls_init
  # No --log-error: the server logs to stderr, which goes to log/mariadb.log.
  setsid mariadbd --no-defaults --ssl-ca="$V/tls/ca.pem" --ssl-cert="$V/tls/server.pem" --ssl-key="$V/tls/server.key" \
    --datadir="$V/mysql" --socket="$V/run/mysqld.sock" \
    --pid-file="$V/run/mysqld.pid" --port="$MP_MYSQL_PORT" --bind-address=127.0.0.1 \
    --user="$(id -un)" --skip-name-resolve --max-connections=500 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    >>"$V/log/mariadb.log" 2>&1 </dev/null &
  echo $! >"$V/run/mariadb.pid"
}

mariadb_wait() { wait_until 30 "$1" mariadb_healthy; }

# Databases and users, idempotent. Passwords are hex, so they need no escaping.
mariadb_setup() {
  local sql="" svc pw_var
  for svc in auth order payment; do
    pw_var=MP_DB_PASSWORD_${svc^^}
    sql+="CREATE DATABASE IF NOT EXISTS ${svc}_db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '${svc}_svc'@'127.0.0.1' IDENTIFIED BY '${!pw_var}';
ALTER USER '${svc}_svc'@'127.0.0.1' IDENTIFIED BY '${!pw_var}';
GRANT ALL ON ${svc}_db.* TO '${svc}_svc'@'127.0.0.1';
"
  done
  # Integration tests get mp_test and may create mp_test_<name> databases of their own.
  if [ "$INST" = test ]; then
    sql+="CREATE DATABASE IF NOT EXISTS mp_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'test_svc'@'127.0.0.1' IDENTIFIED BY '$MP_DB_PASSWORD_TEST';
ALTER USER 'test_svc'@'127.0.0.1' IDENTIFIED BY '$MP_DB_PASSWORD_TEST';
GRANT ALL ON \`mp\\_test%\`.* TO 'test_svc'@'127.0.0.1';
"
  fi
  echo "$sql" | mysql_root
}

# ---------- redis ----------
redis_cli() {
  REDISCLI_AUTH=$MP_REDIS_PASSWORD redis-cli -h 127.0.0.1 -p "$MP_REDIS_PORT" "$@"
}

redis_healthy() {
  [ "$(redis_cli ping 2>/dev/null)" = PONG ]
}

redis_launch() {
  # The password goes into a config file (mode 600), not onto the command line.
  (
    umask 077
    cat >"$V/redis/redis.conf" <<EOF
port $MP_REDIS_PORT
bind 127.0.0.1
protected-mode yes
dir $V/redis
daemonize no
save ""
appendonly no
requirepass $MP_REDIS_PASSWORD
EOF
  )
  setsid redis-server "$V/redis/redis.conf" >>"$V/log/redis.log" 2>&1 </dev/null &
  echo $! >"$V/run/redis.pid"
}

redis_wait() { wait_until 10 "$1" redis_healthy; }
redis_setup() { :; }

# ---------- rabbitmq ----------
RABBIT_ENV=()
rabbit_env_init() {
  local r=$V/rabbitmq
  RABBIT_ENV=(
    HOME="$r"
    RABBITMQ_NODENAME="$MP_RABBIT_NODENAME"
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="$MP_AMQP_PORT"
    RABBITMQ_DIST_PORT="$MP_RABBIT_DIST_PORT"
    RABBITMQ_MNESIA_BASE="$r/mnesia"
    RABBITMQ_LOG_BASE="$r/log"
    RABBITMQ_LOGS=-
    RABBITMQ_CONFIG_FILE="$r/rabbitmq.conf"
    RABBITMQ_CONF_ENV_FILE="$r/rabbitmq-env.conf"
    RABBITMQ_ENABLED_PLUGINS_FILE="$r/enabled_plugins"
    ERL_EPMD_ADDRESS=127.0.0.1
    ERL_EPMD_PORT="$MP_EPMD_PORT"
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  )
}

# rabbitmqctl with the instance's HOME (Erlang cookie) and epmd port.
rabbitmqctl() {
  env "${RABBIT_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$MP_RABBIT_NODENAME" "$@"
}

rabbitmq_healthy() { port_open "$MP_AMQP_PORT"; }

rabbitmq_launch() {
  local r=$V/rabbitmq
  rabbit_env_init
  mkdir -p "$r/mnesia" "$r/log"
  # rabbitmq_prometheus: queue depth and consumers for ./marketplace up --monitoring, on 127.0.0.1 only,
  # port AMQP + 10 (15692 up, 25692 test; the plugin's default 15692 on every address would clash).
  echo '[rabbitmq_prometheus].' >"$r/enabled_plugins"
  : >"$r/rabbitmq-env.conf"   # ignore /etc/rabbitmq/rabbitmq-env.conf
  tls_init
  printf '%s\n' '# generated by ./marketplace; other settings come from the environment' \
    'prometheus.tcp.ip = 127.0.0.1' "prometheus.tcp.port = $((MP_AMQP_PORT + 10))" \
    "listeners.ssl.default = 127.0.0.1:$(amqps_port)" "ssl_options.cacertfile = $V/tls/ca.pem" \
    "ssl_options.certfile = $V/tls/server.pem" "ssl_options.keyfile = $V/tls/server.key" \
    'ssl_options.verify = verify_none' 'ssl_options.fail_if_no_peer_cert = false' >"$r/rabbitmq.conf"
  if [ ! -f "$r/.erlang.cookie" ]; then
    openssl rand -hex 20 >"$r/.erlang.cookie"
    chmod 400 "$r/.erlang.cookie"
  fi
  env "${RABBIT_ENV[@]}" setsid /usr/lib/rabbitmq/bin/rabbitmq-server >>"$V/log/rabbitmq.log" 2>&1 </dev/null &
  echo $! >"$V/run/rabbitmq.pid"
}

rabbitmq_wait() {
  wait_until 90 "$1" rabbitmq_healthy || return 1
  # The pid file holds the launcher script; remember the Erlang VM (beam.smp) too.
  listener_pid "$MP_AMQP_PORT" >"$V/run/rabbitmq-beam.pid"
  rabbitmqctl await_startup --timeout 60 >/dev/null
}

rabbitmq_setup() {
  rabbit_env_init
  local users
  rabbitmqctl add_vhost "$MP_AMQP_VHOST" >/dev/null   # exit 0 if it exists already
  users=$(rabbitmqctl list_users | awk '{ print $1 }')
  if grep -qx "$MP_AMQP_USER" <<<"$users"; then
    rabbitmqctl change_password "$MP_AMQP_USER" "$MP_AMQP_PASSWORD" >/dev/null
  else
    rabbitmqctl add_user "$MP_AMQP_USER" "$MP_AMQP_PASSWORD" >/dev/null
  fi
  rabbitmqctl set_permissions -p "$MP_AMQP_VHOST" "$MP_AMQP_USER" '.*' '.*' '.*' >/dev/null
  if grep -qx guest <<<"$users"; then
    rabbitmqctl delete_user guest >/dev/null
  fi
}

# epmd is started by the Erlang VM and outlives it: stop it by the pid on its port.
epmd_stop() {
  local pid
  pid=$(listener_pid "$MP_EPMD_PORT")
  if [ -z "$pid" ]; then
    return 0
  fi
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != epmd ]; then
    warn "port $MP_EPMD_PORT is held by pid $pid, which is not epmd: left alone"
    return 0
  fi
  echo "$pid" >"$V/run/epmd.pid"
  stop_pid epmd "$V/run/epmd.pid"
}

# ---------- postgres (FerretDB's backend; docs/adr/0013-ferretdb-on-postgresql.md) ----------
PG_BIN=/usr/lib/postgresql/15/bin

# PostgreSQL refuses to run as root, and the postgres system user could not enter a checkout in a 0700
# folder. So initdb and postgres run in a user namespace as the postgres user's id, which maps back to the
# user running ./marketplace: the data stay that user's files, wherever the checkout is.
pg_as_owner() {
  unshare --user --map-user="$(id -u postgres)" --map-group="$(id -g postgres)" "$@"
}

pg_psql() {
  PGPASSWORD=$MP_POSTGRES_PASSWORD psql -X -h 127.0.0.1 -p "$MP_POSTGRES_PORT" -U postgres "$@"
}

postgres_healthy() {
  pg_psql -d postgres -tAc 'SELECT 1' >/dev/null 2>&1
}

postgres_launch() {
  [ -x "$PG_BIN/postgres" ] || die "postgres: $PG_BIN/postgres is missing; run ./marketplace deps"
  if [ ! -f "$V/postgres/PG_VERSION" ]; then
    note "postgres: first start, initialising $V/postgres"
    local pwfile
    pwfile=$(umask 077 && mktemp "$V/run/postgres-password.XXXXXX")
    printf '%s\n' "$MP_POSTGRES_PASSWORD" >"$pwfile"
    if ! pg_as_owner "$PG_BIN/initdb" -D "$V/postgres" -U postgres --pwfile="$pwfile" -A scram-sha-256 \
      -E UTF8 --no-locale >>"$V/log/postgres.log" 2>&1; then
      rm -f "$pwfile"
      show_log_tail "$V/log/postgres.log"
      die "postgres: initdb failed"
    fi
    rm -f "$pwfile"
  fi
  setsid unshare --user --map-user="$(id -u postgres)" --map-group="$(id -g postgres)" \
    "$PG_BIN/postgres" -D "$V/postgres" -h 127.0.0.1 -p "$MP_POSTGRES_PORT" -k "$V/run" -c max_connections=500 \
    >>"$V/log/postgres.log" 2>&1 </dev/null &
  echo $! >"$V/run/postgres.pid"
}

postgres_wait() { wait_until 30 "$1" postgres_healthy; }

# FerretDB's database, tuned so that the filters FerretDB pushes down use indexes (ferretdb_postgres.sql).
postgres_setup() {
  if [ "$(pg_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'")" != 1 ]; then
    pg_psql -d postgres -qc 'CREATE DATABASE ferretdb' >/dev/null
  fi
  pg_psql -d ferretdb -q -v ON_ERROR_STOP=1 -f "$ROOT/scripts/lib/ferretdb_postgres.sql" >/dev/null
}

# ---------- ferretdb ----------
ferretdb_healthy() {
  python3 "$ROOT/scripts/lib/mongo_ping.py" "$MP_MONGO_PORT"
}

ferretdb_launch() {
  local bin=$ROOT/var/tools/bin/ferretdb
  [ -x "$bin" ] || die "ferretdb: $bin is missing; run ./marketplace deps"
  # The PostgreSQL URL (with its password) goes through the environment, not the command line.
  # pool_max_conns: an update holds one connection for its read while it takes a second for its write, so
  # FerretDB's pool (50 by default) deadlocks once as many updates run at once (seen with 64 concurrent
  # writers of one document). 400 is above what the services' client pools (MP_MONGO_POOL_SIZE, 32 per
  # process) and the tests can have in flight; postgres allows 500 connections.
  FERRETDB_POSTGRESQL_URL="postgres://postgres:$MP_POSTGRES_PASSWORD@127.0.0.1:$MP_POSTGRES_PORT/ferretdb?pool_max_conns=400" \
    setsid "$bin" --handler=postgresql --state-dir="$V/ferretdb" \
    --listen-addr="127.0.0.1:$MP_MONGO_PORT" --debug-addr=- --telemetry=disable \
    --log-level=warn >>"$V/log/ferretdb.log" 2>&1 </dev/null &
  echo $! >"$V/run/ferretdb.pid"
}

ferretdb_wait() { wait_until 20 "$1" ferretdb_healthy; }
ferretdb_setup() { :; }

# ---------- generic ----------
infra_start_one() {
  local c=$1 pid port t0=$SECONDS
  pid=$(read_pid "$V/run/$c.pid")
  port=$(infra_port "$c")
  if pid_alive "$pid"; then
    note "$c: already running (pid $pid, port $port)"
    return 0
  fi
  if port_open "$port"; then
    die "$c: port $port is already in use by another process: $(port_owner "$port")"
  fi
  "${c}_launch"
  pid=$(read_pid "$V/run/$c.pid")
  if ! "${c}_wait" "$pid"; then
    show_log_tail "$V/log/$c.log"
    die "$c did not become ready (pid $pid, port $port); log: $V/log/$c.log"
  fi
  "${c}_setup"
  note "$c: started (pid $pid, port $port) in $((SECONDS - t0)) s"
}

# TERM to the launcher script stops the VM cleanly; the VM and epmd are checked after it.
rabbitmq_stop() {
  local beam
  beam=$(read_pid "$V/run/rabbitmq-beam.pid")
  stop_pid rabbitmq "$V/run/rabbitmq.pid"
  if pid_alive "$beam"; then
    stop_pid "rabbitmq (beam.smp)" "$V/run/rabbitmq-beam.pid"
  fi
  rm -f "$V/run/rabbitmq-beam.pid"
  epmd_stop
}

infra_stop_one() {
  case $1 in
    rabbitmq) rabbitmq_stop ;;
    postgres) stop_pid postgres "$V/run/postgres.pid" INT ;; # fast shutdown: does not wait for clients
    *) stop_pid "$1" "$V/run/$1.pid" ;;
  esac
}

# infra_start [COMPONENT]: all components in order, or one.
infra_start() {
  local c
  if [ $# -gt 0 ]; then
    infra_start_one "$1"
    return 0
  fi
  for c in "${INFRA_COMPONENTS[@]}"; do
    infra_start_one "$c"
  done
}

# infra_stop [COMPONENT]: all components in reverse order, or one.
infra_stop() {
  local i
  if [ $# -gt 0 ]; then
    infra_stop_one "$1"
    return 0
  fi
  for ((i = ${#INFRA_COMPONENTS[@]} - 1; i >= 0; i--)); do
    infra_stop_one "${INFRA_COMPONENTS[$i]}"
  done
}

# infra_health COMPONENT: true if the component answers.
infra_health() {
  "${1}_healthy"
}
