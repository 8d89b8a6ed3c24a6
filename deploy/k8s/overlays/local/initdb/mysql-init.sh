#!/bin/bash
# First start of the MySQL 8 container (docker-entrypoint-initdb.d; used by deploy/compose and the local
# Kubernetes overlay): the three service databases and one user per service, allowed only its database.
#   auth_db / auth_svc     order_db / order_svc     payment_db / payment_svc
# Passwords come from MP_DB_PASSWORD_AUTH, MP_DB_PASSWORD_ORDER, MP_DB_PASSWORD_PAYMENT (the names
# scripts/lib/infra.sh uses); they must be 12+ characters of [A-Za-z0-9._~-] (e.g. `openssl rand -hex 24`),
# so they need no quoting in SQL or in a URL.
# The entrypoint sources this file (no `exit`, no `set -u` here: they would leak into it).
mp_create_service_databases() {
  local svc var pw
  for svc in auth order payment; do
    var="MP_DB_PASSWORD_${svc^^}"
    pw=${!var:-}
    if [[ ! $pw =~ ^[A-Za-z0-9._~-]{12,}$ ]]; then
      echo "mysql-init: $var must be 12+ characters of [A-Za-z0-9._~-]" >&2
      return 1
    fi
    MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql --protocol=socket -uroot <<SQL || return 1
CREATE DATABASE IF NOT EXISTS \`${svc}_db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '${svc}_svc'@'%' IDENTIFIED BY '${pw}';
GRANT ALL PRIVILEGES ON \`${svc}_db\`.* TO '${svc}_svc'@'%';
SQL
    echo "mysql-init: ${svc}_db and ${svc}_svc ready"
  done
}
mp_create_service_databases || false
