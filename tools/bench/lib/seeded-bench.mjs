// What the benches that seed a database of their own and ask the built engine's
// HTTP API share (contacts, inbox): the seeded database kept between runs, the
// admin's token, and the timing of GET requests. The lower-level pieces
// (options, databases, engine processes) are in ../engine/bench-lib.mjs.

import {
  BENCH,
  createDatabase,
  databaseExists,
  databaseUrl,
  DEFAULT_PG,
  dropDatabase,
  engineSetup,
  log,
  summary,
} from '../engine/bench-lib.mjs';

/**
 * The bench database `name` on the default server, migrated and with the bench
 * admin; `seed(url)` fills it only when it is made (seeding is the slow part,
 * so a database is kept between runs unless `reseed` asks to make it again).
 * Returns its URL.
 */
export async function seededDatabase(name, reseed, seed) {
  const url = databaseUrl(DEFAULT_PG, name);
  if (reseed && (await databaseExists(DEFAULT_PG, name))) await dropDatabase(DEFAULT_PG, name);
  if (!(await databaseExists(DEFAULT_PG, name))) {
    await createDatabase(DEFAULT_PG, name);
    engineSetup(url);
    await seed(url);
  } else {
    // Setup still runs: migrations added since the seed apply to the kept database.
    engineSetup(url);
    log(`reusing the seeded database ${name} (--reseed to make it again)`);
  }
  return url;
}

/** The bench admin's bearer token, for the requests apiLogin's helper does not make (streams, long POSTs). */
export async function adminToken(engineUrl) {
  const login = await fetch(`${engineUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: BENCH.adminEmail, password: BENCH.adminPassword }),
  });
  const { token } = await login.json();
  if (login.status !== 200 || typeof token !== 'string') throw new Error(`login failed: ${login.status}`);
  return token;
}

/** `samples` GETs of `path` (or `path(i)`) one after another, in ms; any answer but 200 stops the bench. */
export async function timedGets(api, path, samples) {
  const values = [];
  for (let i = 0; i < samples; i += 1) {
    const target = typeof path === 'function' ? path(i) : path;
    const started = performance.now();
    const answer = await api.get(target);
    values.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`${target}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
  }
  return summary(values);
}
