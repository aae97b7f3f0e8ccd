// Node-RED under test: the scenario as a flow file loaded at start.
//
// http in (POST /webhooks/whatsapp, raw body) -> function (verify
// X-Hub-Signature-256 over the raw bytes, parse, check the text contains
// "price", build the Cloud API send) -> http request (to the sink, keep-alive)
// -> http response (200). A bad signature is answered 401 and a message
// without "price" 200 with no send, by the function's second output.
// Node-RED keeps nothing durable: a message in flight is lost on a crash.

import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { freePort, log, onCleanup, sleep } from '../engine/bench-lib.mjs';

const FUNCTION_CODE = `
const raw = Buffer.isBuffer(msg.payload) ? msg.payload : Buffer.from(String(msg.payload ?? ''), 'utf8');
const header = String(msg.req.headers['x-hub-signature-256'] ?? '');
const expected = 'sha256=' + crypto.createHmac('sha256', env.get('WHATSAPP_APP_SECRET')).update(raw).digest('hex');
const a = Buffer.from(header);
const b = Buffer.from(expected);
if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
  msg.statusCode = 401;
  msg.payload = { error: 'invalid signature' };
  return [null, msg];
}
let body;
try {
  body = JSON.parse(raw.toString('utf8'));
} catch (e) {
  msg.statusCode = 400;
  msg.payload = { error: 'not JSON' };
  return [null, msg];
}
const value = body?.entry?.[0]?.changes?.[0]?.value;
const message = value?.messages?.[0];
const text = message?.type === 'text' ? String(message.text?.body ?? '') : '';
if (!message || !text.toLowerCase().includes('price')) {
  msg.statusCode = 200;
  msg.payload = { received: true };
  return [null, msg];
}
msg.method = 'POST';
msg.url = env.get('SINK_URL') + '/' + env.get('WHATSAPP_API_VERSION') + '/' + value.metadata.phone_number_id + '/messages';
msg.headers = { authorization: 'Bearer ' + env.get('WHATSAPP_ACCESS_TOKEN'), 'content-type': 'application/json' };
msg.payload = {
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: message.from,
  type: 'text',
  text: { body: env.get('REPLY_TEXT'), preview_url: false },
};
return [msg, null];
`;

function flows() {
  return [
    { id: 'tab1', type: 'tab', label: 'WhatsApp price reply', disabled: false, info: '' },
    {
      id: 'in1',
      type: 'http in',
      z: 'tab1',
      name: 'WhatsApp webhook',
      url: '/webhooks/whatsapp',
      method: 'post',
      upload: false,
      skipBodyParsing: true,
      swaggerDoc: '',
      wires: [['fn1']],
    },
    {
      id: 'fn1',
      type: 'function',
      z: 'tab1',
      name: 'verify signature, text contains "price"',
      func: FUNCTION_CODE,
      outputs: 2,
      timeout: 0,
      noerr: 0,
      initialize: '',
      finalize: '',
      libs: [{ var: 'crypto', module: 'crypto' }],
      wires: [['req1'], ['res1']],
    },
    {
      id: 'req1',
      type: 'http request',
      z: 'tab1',
      name: 'Cloud API send',
      method: 'use',
      ret: 'obj',
      paytoqs: 'ignore',
      url: '',
      tls: '',
      persist: true,
      proxy: '',
      insecureHTTPParser: false,
      authType: '',
      senderr: false,
      headers: [],
      wires: [['ok1']],
    },
    {
      id: 'ok1',
      type: 'function',
      z: 'tab1',
      name: '200 to Meta',
      func: 'const sent = msg.statusCode === 200;\nmsg.statusCode = sent ? 200 : 502;\nmsg.headers = {};\nmsg.payload = { received: true, sent };\nreturn msg;',
      outputs: 1,
      timeout: 0,
      noerr: 0,
      initialize: '',
      finalize: '',
      libs: [],
      wires: [['res1']],
    },
    { id: 'res1', type: 'http response', z: 'tab1', name: '', statusCode: '', headers: {}, wires: [] },
  ];
}

const SETTINGS = `module.exports = {
  flowFile: 'flows.json',
  flowFilePretty: true,
  uiHost: '127.0.0.1',
  httpAdminRoot: '/admin',
  functionExternalModules: true,
  functionTimeout: 0,
  logging: { console: { level: 'warn', metrics: false, audit: false } },
  diagnostics: { enabled: false, ui: false },
  runtimeState: { enabled: false, ui: false },
  telemetry: { enabled: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false } },
  editorTheme: { projects: { enabled: false }, tours: false },
};
`;

/** Starts Node-RED from `install` (ensureInstalled('node-red')). */
export async function startNodeRed({ install, sinkUrl, number, replyText, apiVersion }) {
  const userDir = mkdtempSync(join(os.tmpdir(), 'parley-peers-node-red-'));
  writeFileSync(join(userDir, 'settings.js'), SETTINGS);
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flows(), null, 2));
  const port = await freePort();
  const logPath = join(userDir, 'node-red.log');
  const out = createWriteStream(logPath);
  const child = spawn(
    process.execPath,
    [install.entry, '--userDir', userDir, '--settings', join(userDir, 'settings.js'), '--port', String(port)],
    {
      cwd: install.dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: userDir,
        NODE_ENV: 'production',
        WHATSAPP_APP_SECRET: number.appSecret,
        WHATSAPP_ACCESS_TOKEN: number.accessToken,
        WHATSAPP_API_VERSION: apiVersion,
        SINK_URL: sinkUrl,
        REPLY_TEXT: replyText,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (alive()) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  onCleanup(stop);

  // Ready when the admin API lists our flow as running (flows are started after the HTTP server).
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (!alive()) throw new Error(`Node-RED exited at start; log ${logPath}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/admin/flows/state`);
      const state = res.ok ? await res.json() : null;
      if (state?.state === 'start') break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`Node-RED was not ready in 120 s; log ${logPath}`);
    await sleep(200);
  }
  log(`Node-RED ${install.version} up: pid ${child.pid}, port ${port}, user dir ${userDir}`);
  return {
    name: 'node-red',
    label: `Node-RED ${install.version}`,
    target: { host: '127.0.0.1', port, path: '/webhooks/whatsapp' },
    database: null,
    pids: () => [child.pid],
    alive,
    logs: [logPath],
    details: { userDir, flow: 'http in (raw body) -> function (signature, "price") -> http request (keep-alive) -> http response' },
    stop,
  };
}
