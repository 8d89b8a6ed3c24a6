// First start of the MongoDB 7 container (docker-entrypoint-initdb.d, run by mongosh as the root user;
// used by deploy/compose and the local Kubernetes overlay): one user per service database, with
// readWrite on that database only.
//   user_db / user_svc     review_db / review_svc     notification_db / notification_svc
// Passwords come from MP_MONGO_PASSWORD_USER, MP_MONGO_PASSWORD_REVIEW, MP_MONGO_PASSWORD_NOTIFICATION:
// 12+ characters of [A-Za-z0-9._~-], so they go into the services' mongodb:// URIs unescaped.
const services = ['user', 'review', 'notification'];
for (const svc of services) {
  const variable = 'MP_MONGO_PASSWORD_' + svc.toUpperCase();
  const pwd = process.env[variable] || '';
  if (!/^[A-Za-z0-9._~-]{12,}$/.test(pwd)) {
    throw new Error('mongo-init: ' + variable + ' must be 12+ characters of [A-Za-z0-9._~-]');
  }
  const name = svc + '_db';
  const database = db.getSiblingDB(name);
  if (database.getUser(svc + '_svc') === null) {
    database.createUser({ user: svc + '_svc', pwd: pwd, roles: [{ role: 'readWrite', db: name }] });
  }
  print('mongo-init: ' + name + ' and ' + svc + '_svc ready');
}
