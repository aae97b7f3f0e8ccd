// Stops the embedded PostgreSQL started by global-setup.js, if any, and removes its data.
module.exports = async () => {
  const server = globalThis.__PARLEY_TEST_PG__;
  if (server) await server.stop();
};
