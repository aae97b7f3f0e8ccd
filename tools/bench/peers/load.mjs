// The customers: signed WhatsApp webhooks in Meta's envelope, one new
// customer (wa_id) per message, posted to a system under test, each one
// followed until its send arrives at the sink.
//
// Two ways to offer load:
// - saturate: a closed loop of `inflight` customers; a new message is posted
//   as soon as an earlier one's send has arrived. The system always has
//   `inflight` messages to work on, and no backlog builds up (an open loop
//   faster than the system would leave minutes of backlog between rounds).
// - fixedRate: an open loop at `rate` messages/s, posted on schedule whatever
//   the system does; latency is measured from the POST to the send's arrival.

import { createHmac, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isStopping, sleep } from '../engine/bench-lib.mjs';

export const PRICE_TEXT = 'Hi! What is the price of the blue sofa?';
export const OTHER_TEXT = 'Hi! Is the shop open on Sunday?';

/** ASCII-only JSON, as Meta sends and signs it (non-ASCII escaped as \uXXXX). */
function asciiJson(value) {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One inbound text message from a customer, in Meta's webhook envelope. */
export function webhookBody(number, waId, text, counter) {
  return asciiJson({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: number.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: number.displayPhoneNumber, phone_number_id: number.phoneNumberId },
              contacts: [{ profile: { name: `Customer ${counter}` }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id: `wamid.HBgM${waId}${randomBytes(9).toString('hex').toUpperCase()}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  text: { body: text },
                  type: 'text',
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

export function signature(appSecret, body) {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/**
 * The load driver of one benchmark run. `sink` from startSink; `number`:
 * { phoneNumberId, displayPhoneNumber, wabaId, appSecret }. wa_ids are unique
 * in the run (a random 3-digit run tag, then a counter), so every send at the
 * sink belongs to exactly one posted message.
 */
export function createDriver(sink, number) {
  const runTag = String(100 + Math.floor(Math.random() * 900));
  let counter = 0;
  /** waId -> { system, expectSend, postAt } of every message posted in the run. */
  const posted = new Map();
  /** waId -> resolve(sentAt | null) of a message still waiting for its send. */
  const waiting = new Map();
  /** When the last send arrived or the last message was posted: messages only count as missing after a stall. */
  let lastProgress = performance.now();
  let stallMs = 60_000;
  sink.onSend((to, at) => {
    lastProgress = at;
    const resolve = waiting.get(to);
    if (resolve) {
      waiting.delete(to);
      resolve(at);
    }
  });
  // A message counts as missing once no send at all has arrived for stallMs, not after a fixed time of its own: a
  // system that falls behind an offered rate still answers everything, only later.
  const expiry = setInterval(() => {
    if (waiting.size === 0 || performance.now() - lastProgress < stallMs) return;
    for (const resolve of waiting.values()) resolve(null);
    waiting.clear();
  }, 250);
  expiry.unref();

  const nextWaId = () => {
    counter += 1;
    return `49155${runTag}${String(counter).padStart(7, '0')}`;
  };

  /**
   * POSTs one webhook; resolves { status, postAt } (status 0: no answer). A
   * reset on a kept-alive socket the server had just closed (its keep-alive
   * timeout racing our reuse) is retried, up to 3 times, as Node's
   * documentation advises; nothing was received then. Latency still counts
   * from the first attempt.
   */
  const post = (target, agent, waId, text, { badSignature = false } = {}) => {
    const body = webhookBody(number, waId, text, counter);
    const sig = badSignature ? signature(`${number.appSecret}-wrong`, body) : signature(number.appSecret, body);
    const postAt = performance.now();
    const attempt = (retries) =>
      new Promise((resolve) => {
        const req = request(
          {
            agent,
            host: target.host,
            port: target.port,
            method: 'POST',
            path: target.path,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-hub-signature-256': sig },
            timeout: 60_000,
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, postAt }));
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (error) => {
          if (retries > 0 && req.reusedSocket && error.code === 'ECONNRESET') resolve(attempt(retries - 1));
          else resolve({ status: 0, postAt, error: error.code ?? error.message });
        });
        req.end(body);
      });
    return attempt(3);
  };

  const oneMessage = async (target, agent, system, timeoutMs) => {
    stallMs = timeoutMs;
    const waId = nextWaId();
    const record = { system, expectSend: true, postAt: null };
    posted.set(waId, record);
    lastProgress = performance.now();
    const sent = new Promise((resolve) => {
      waiting.set(waId, resolve);
    });
    const answer = await post(target, agent, waId, PRICE_TEXT);
    record.postAt = answer.postAt;
    if (answer.status < 200 || answer.status >= 300) {
      waiting.get(waId)?.(null);
      waiting.delete(waId);
      await sent;
      return { waId, status: answer.status, error: answer.error, postAt: answer.postAt, sentAt: null };
    }
    const sentAt = await sent;
    return { waId, status: answer.status, postAt: answer.postAt, sentAt };
  };

  // FIFO spreads the work over the sockets. With `timeout` set, Node's agent also honours the server's
  // "Keep-Alive: timeout=5" hint and drops a free socket a second before the server would (a slow system leaves a
  // customer's socket idle for seconds while the customer waits for its send).
  const agentFor = (sockets) =>
    new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, scheduling: 'fifo', timeout: 60_000 });

  return {
    posted,

    /**
     * Checks the scenario's two other branches on `target` before measuring: a
     * price question with a wrong signature and a question without "price" must
     * cause no send (checked at the end of the run, with everything else).
     * Returns the HTTP statuses the system answered.
     */
    async scenarioChecks(target, system) {
      const agent = agentFor(2);
      const bad = nextWaId();
      posted.set(bad, { system, expectSend: false, postAt: null });
      const badAnswer = await post(target, agent, bad, PRICE_TEXT, { badSignature: true });
      const other = nextWaId();
      posted.set(other, { system, expectSend: false, postAt: null });
      const otherAnswer = await post(target, agent, other, OTHER_TEXT);
      agent.destroy();
      return { badSignatureStatus: badAnswer.status, otherTextStatus: otherAnswer.status };
    },

    /** A few messages, one at a time, until each has its send: warms the system up. */
    async warmUp(target, system, messages, timeoutMs) {
      const agent = agentFor(4);
      const failures = [];
      for (let i = 0; i < messages && !isStopping(); i += 1) {
        const r = await oneMessage(target, agent, system, timeoutMs);
        if (r.sentAt === null) failures.push(r.status < 200 || r.status >= 300 ? `HTTP ${r.status}` : 'no send');
      }
      agent.destroy();
      return failures;
    },

    /**
     * Closed loop: `inflight` customers, each posting a new message once its
     * previous one's send arrived, for `seconds`; then the last messages' sends
     * are waited for. Sends/s = the round's sends over the time from its first
     * POST to its last send: the system has work all that time. (Counting only
     * sends inside a window after a warm-up would undercount a system that runs
     * every message at once, like n8n, whose sends come in waves once per
     * latency, which can be longer than the window's start.)
     */
    async saturate(target, system, { seconds, inflight, timeoutMs }) {
      const agent = agentFor(inflight);
      const started = performance.now();
      const end = started + seconds * 1000;
      const results = [];
      await Promise.all(
        Array.from({ length: inflight }, async () => {
          while (performance.now() < end && !isStopping()) {
            const r = await oneMessage(target, agent, system, timeoutMs);
            results.push(r);
            if (r.sentAt === null) await sleep(50); // a failing system: do not spin
          }
        }),
      );
      agent.destroy();
      const sentAts = results.filter((r) => r.sentAt !== null).map((r) => r.sentAt);
      const busySeconds = (Math.max(started, ...sentAts) - started) / 1000;
      return summarise(results, {
        mode: 'saturate',
        inflight,
        seconds,
        busySeconds,
        sendsPerSecond: busySeconds > 0 ? sentAts.length / busySeconds : 0,
      });
    },

    /**
     * Open loop: a message every 1/rate s for `seconds`, then every send is
     * waited for (see stallMs). Stops offering (and says so) when more than
     * `maxOutstanding` messages wait for their send: the system does not keep up.
     */
    async fixedRate(target, system, { rate, seconds, timeoutMs, maxOutstanding }) {
      const agent = agentFor(Math.max(16, Math.min(1024, Math.ceil(rate / 4))));
      const started = performance.now();
      const total = Math.max(1, Math.round(rate * seconds));
      const pending = [];
      const lateness = [];
      let outstanding = 0;
      let overloaded = false;
      for (let k = 0; k < total && !isStopping();) {
        const now = performance.now();
        const due = Math.min(total, Math.floor(((now - started) * rate) / 1000) + 1);
        for (; k < due; k += 1) {
          if (outstanding >= maxOutstanding) {
            overloaded = true;
            break;
          }
          lateness.push(now - (started + (k * 1000) / rate));
          outstanding += 1;
          pending.push(
            oneMessage(target, agent, system, timeoutMs).then((r) => {
              outstanding -= 1;
              return r;
            }),
          );
        }
        if (overloaded) break;
        const nextAt = started + (k * 1000) / rate;
        await sleep(Math.max(0, Math.min(5, nextAt - performance.now())));
      }
      const offeredSeconds = (performance.now() - started) / 1000;
      const results = await Promise.all(pending);
      agent.destroy();
      const sortedLate = lateness.sort((a, b) => a - b);
      const lastSend = Math.max(started, ...results.filter((r) => r.sentAt !== null).map((r) => r.sentAt));
      const achievedRate = results.filter((r) => r.sentAt !== null).length / ((lastSend - started) / 1000);
      return summarise(results, {
        mode: 'fixed-rate',
        rate,
        seconds,
        offeredSeconds,
        achievedRate,
        // Sends that came in slower than offered: the system fell behind and latency includes its backlog.
        overloaded: overloaded || achievedRate < 0.95 * rate,
        stoppedOffering: overloaded,
        scheduleLateP99Ms: sortedLate[Math.max(0, Math.ceil(sortedLate.length * 0.99) - 1)] ?? null,
      });
    },

    /**
     * The end-of-run check, by customer: every price question answered with
     * 200 got exactly one send, the other messages none, and no send went to
     * anyone else. Returns problems per system.
     */
    verify() {
      const bySystem = new Map();
      const problem = (system, text) => {
        const list = bySystem.get(system) ?? [];
        list.push(text);
        bySystem.set(system, list);
      };
      for (const [waId, record] of posted) {
        const count = sink.arrivals.get(waId)?.length ?? 0;
        if (record.expectSend && count !== 1) problem(record.system, `${waId}: ${count} sends, expected 1`);
        if (!record.expectSend && count !== 0)
          problem(record.system, `${waId} (bad signature or no "price"): ${count} sends, expected none`);
      }
      for (const waId of sink.arrivals.keys()) if (!posted.has(waId)) problem('(unknown)', `send to ${waId}, who never wrote`);
      return bySystem;
    },
  };
}

function summarise(results, extra) {
  const errors = results.filter((r) => r.status < 200 || r.status >= 300);
  const missing = results.filter((r) => r.status >= 200 && r.status < 300 && r.sentAt === null);
  const latencies = results.filter((r) => r.sentAt !== null).map((r) => r.sentAt - r.postAt);
  return {
    ...extra,
    posted: results.length,
    delivered: latencies.length,
    webhookErrors: errors.length,
    webhookErrorStatuses: [...new Set(errors.map((r) => (r.status === 0 ? `no answer: ${r.error}` : r.status)))],
    missingSends: missing.length,
    latencies,
  };
}
