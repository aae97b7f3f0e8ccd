const { buildConversationListQuery, conversationListQuery } = require('/work/wt/i11-perf/apps/engine/dist/conversations/conversation-list-query.js');
const { Client } = require('pg');
(async () => {
  const c = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/parley_bench_i11perf' });
  await c.connect();
  const ws = (await c.query('select id from workspaces limit 1')).rows[0].id;
  const user = (await c.query('select id from users limit 1')).rows[0].id;
  const now = new Date();
  for (const q of JSON.parse(process.argv[2] || '[{}]')) {
    const b = buildConversationListQuery(conversationListQuery.parse(q), { workspaceId: ws, userId: user }, now, new Date(now - 86400000), null);
    for (const part of ['page', 'counts']) {
      const r = await c.query('EXPLAIN (ANALYZE, BUFFERS) ' + b[part].sql, b[part].params);
      console.log('==', JSON.stringify(q), part); console.log(r.rows.map((x) => x['QUERY PLAN']).join('\n'));
    }
  }
  await c.end();
})();
