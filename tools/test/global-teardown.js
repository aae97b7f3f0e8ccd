// Stops the embedded PostgreSQL started by global-setup.js, if any.
module.exports = async () => {
  const pg = globalThis.__PARLEY_TEST_PG__;
  if (pg) await pg.stop();
};
