/* global document, window, EventSource */
// The phone page of the WhatsApp simulator: plain browser JavaScript with no
// framework and no build step, so it is served as written from sources and
// builds alike. It talks only to the simulator's control API under /sim.
'use strict';

(function phonePage() {
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const POLL_MS = 2000;
  const WINDOW_MS = 24 * 60 * 60 * 1000;

  const state = {
    config: null,
    phoneNumberId: null,
    waId: null,
    customers: [],
    conversation: null,
    templates: [],
    live: false,
    customersSignature: '',
  };

  // ---------- small helpers ----------

  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const raw = await response.text();
    let json = {};
    try {
      json = raw ? JSON.parse(raw) : {};
    } catch {
      json = {};
    }
    if (!response.ok) {
      const error = new Error((json && json.error && json.error.message) || `The simulator answered HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return json;
  }

  function query(params) {
    return new URLSearchParams(Object.entries(params).filter(([, value]) => value !== null && value !== undefined)).toString();
  }

  /** Builds an element: `attrs` are attributes (true means present), `on` event listeners, children nodes or strings. */
  function el(tag, attrs, children, on) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const [event, listener] of Object.entries(on || {})) node.addEventListener(event, listener);
    for (const child of children || []) if (child !== null && child !== undefined && child !== false) node.append(child);
    return node;
  }

  function icon(name) {
    const paths = {
      check: ['M2 8.6 5.4 12 12.4 4.4'],
      checks: ['M1 8.6 4.4 12 11.4 4.4', 'M7.4 11.2 8.2 12 15.2 4.4'],
      clock: ['M8 2.2a5.8 5.8 0 1 0 0 11.6A5.8 5.8 0 0 0 8 2.2Z', 'M8 4.8V8l2.2 1.4'],
      alert: ['M8 2.2a5.8 5.8 0 1 0 0 11.6A5.8 5.8 0 0 0 8 2.2Z', 'M8 5v3.6', 'M8 10.8v.2'],
      pin: [
        'M8 1.8a4.6 4.6 0 0 0-4.6 4.6C3.4 10 8 14.6 8 14.6s4.6-4.6 4.6-8.2A4.6 4.6 0 0 0 8 1.8Z',
        'M8 8.2a1.8 1.8 0 1 0 0-3.6 1.8 1.8 0 0 0 0 3.6Z',
      ],
      file: ['M4 1.8h5.2L12.4 5v9.2H4Z', 'M9 1.8V5.2h3.4'],
      image: ['M2.2 3h11.6v10H2.2Z', 'M2.6 11.6 6 8l2.4 2.4 1.8-1.8 3.2 3.2', 'M10.4 6.2a.9.9 0 1 0 0-1.8.9.9 0 0 0 0 1.8Z'],
      video: ['M2 4h8.4v8H2Z', 'M10.4 7 14 5v6l-3.6-2'],
      audio: [
        'M6 12.2V3.4l6.4-1.4v8.6',
        'M6 12.2a1.8 1.8 0 1 1-3.6 0 1.8 1.8 0 0 1 3.6 0Z',
        'M12.4 10.6a1.8 1.8 0 1 1-3.6 0 1.8 1.8 0 0 1 3.6 0Z',
      ],
      list: ['M2.5 4h11', 'M2.5 8h11', 'M2.5 12h11'],
      reply: ['M6.5 3.5 2.5 7.5l4 4', 'M2.8 7.5h6.4a4.3 4.3 0 0 1 4.3 4.3v.7'],
    };
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 16 16');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', `icon icon-${name}`);
    for (const d of paths[name] || []) {
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', d);
      svg.append(path);
    }
    return svg;
  }

  function showError(id, error) {
    $(id).textContent = error ? String((error && error.message) || error) : '';
  }

  const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

  function dayLabel(iso) {
    const day = new Date(iso);
    const today = new Date();
    const yesterday = new Date(today.getTime() - WINDOW_MS);
    if (day.toDateString() === today.toDateString()) return 'Today';
    if (day.toDateString() === yesterday.toDateString()) return 'Yesterday';
    return day.toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  }

  function initials(name) {
    const parts = String(name || '?')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    return ((parts[0] || '?')[0] + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
  }

  /** "+39 333 123 4567", "0039 333…" or "393331234567" → "393331234567"; null when it cannot be a number. */
  function normaliseNumber(raw) {
    const compact = String(raw)
      .trim()
      .replace(/[\s().\-/]/g, '');
    const digits = compact.startsWith('+') ? compact.slice(1) : compact.startsWith('00') ? compact.slice(2) : compact;
    return /^\d{6,15}$/.test(digits) ? digits : null;
  }

  function duration(ms) {
    const minutes = Math.max(0, Math.floor(ms / 60000));
    const hours = Math.floor(minutes / 60);
    return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
  }

  // ---------- loading ----------

  async function loadConfig() {
    state.config = await api('GET', '/sim/config');
    const numbers = state.config.numbers;
    if (!numbers.some((n) => n.phoneNumberId === state.phoneNumberId)) state.phoneNumberId = numbers[0] ? numbers[0].phoneNumberId : null;
    const select = $('business-line');
    const options = numbers.map((n) => `${n.phoneNumberId}:${n.displayPhoneNumber}`).join('|');
    if (select.dataset.options !== options) {
      select.replaceChildren(...numbers.map((n) => el('option', { value: n.phoneNumberId }, [`+${n.displayPhoneNumber}`])));
      select.dataset.options = options;
    }
    select.value = state.phoneNumberId || '';
    select.disabled = numbers.length < 2;
    renderSimulatorFacts();
  }

  async function loadCustomers() {
    const { data } = await api('GET', `/sim/customers?${query({ phoneNumberId: state.phoneNumberId })}`);
    state.customers = data;
    renderCustomers();
  }

  async function loadConversation() {
    if (!state.waId) {
      state.conversation = null;
      renderChat();
      return;
    }
    const waId = state.waId;
    let conversation;
    try {
      conversation = await api('GET', `/sim/conversation?${query({ phoneNumberId: state.phoneNumberId, waId })}`);
    } catch (error) {
      // The simulator restarted (its state is in memory): that customer is gone.
      if (error.status !== 404 || waId !== state.waId) throw error;
      state.waId = null;
      state.conversation = null;
      resetChatLog();
      window.history.replaceState(null, '', window.location.pathname);
      renderCustomers();
      renderChat();
      return;
    }
    // The user may have opened another chat while this one loaded.
    if (waId !== state.waId) return;
    state.conversation = conversation;
    renderChat();
    void readIfOpen();
  }

  async function loadTemplates() {
    const { data } = await api('GET', `/sim/templates?${query({ phoneNumberId: state.phoneNumberId })}`);
    state.templates = data;
    renderTemplates();
  }

  let refreshing = null;
  let refreshAgain = false;
  /** One refresh at a time; changes that arrive meanwhile cause exactly one more. */
  function refresh() {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        refreshAgain = false;
        try {
          await loadConfig();
          await loadCustomers();
          await loadConversation();
          setLive(state.live);
        } catch (error) {
          setLiveText(`Simulator unreachable (${(error && error.message) || error}); retrying`, 'down');
        }
      } while (refreshAgain);
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  // ---------- live updates ----------

  let pollTimer = null;
  function setLiveText(text, mode) {
    $('live-text').textContent = text;
    $('live-state').dataset.mode = mode;
  }

  function setLive(live) {
    state.live = live;
    if (live) {
      if (pollTimer) window.clearInterval(pollTimer);
      pollTimer = null;
      setLiveText('Live', 'live');
    } else {
      if (!pollTimer) pollTimer = window.setInterval(() => void refresh(), POLL_MS);
      setLiveText(`Polling every ${POLL_MS / 1000} s`, 'polling');
    }
  }

  function connectLive() {
    setLive(false);
    if (typeof EventSource !== 'function') return;
    const source = new EventSource('/sim/events');
    source.addEventListener('open', () => {
      setLive(true);
      // Catch up with whatever changed while the stream was down.
      void refresh();
    });
    source.addEventListener('change', () => void refresh());
    // EventSource reconnects by itself (the feed asks for 2 s); polling covers the gap.
    source.addEventListener('error', () => setLive(false));
  }

  // ---------- customers ----------

  function renderCustomers() {
    const signature = JSON.stringify([
      state.waId,
      state.customers.map((c) => [c.waId, c.name, c.marketingStopped, c.hideNumber, c.userId]),
    ]);
    $('customer-empty').hidden = state.customers.length > 0;
    if (signature === state.customersSignature) return;
    state.customersSignature = signature;
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.customer : undefined;
    const list = $('customer-list');
    list.replaceChildren(
      ...state.customers.map((c) =>
        el('li', {}, [
          el(
            'button',
            { type: 'button', class: 'customer', 'data-customer': c.waId, 'aria-current': c.waId === state.waId ? 'true' : false },
            [
              el('span', { class: 'avatar small', 'aria-hidden': 'true' }, [initials(c.name)]),
              el('span', { class: 'customer-text' }, [
                el('span', { class: 'customer-name' }, [c.name]),
                el('span', { class: 'customer-sub' }, [
                  `+${c.waId}`,
                  c.marketingStopped ? el('span', { class: 'tag' }, ['marketing stopped']) : null,
                ]),
              ]),
            ],
            { click: () => void openChat(c.waId) },
          ),
        ]),
      ),
    );
    if (focused) {
      const again = list.querySelector(`[data-customer="${focused}"]`);
      if (again) again.focus();
    }
  }

  async function openChat(waId) {
    if (state.waId !== waId) {
      state.waId = waId;
      state.conversation = null;
      resetChatLog();
      closeSheet(false);
      showError('chat-error', null);
      window.history.replaceState(null, '', `#${waId}`);
    }
    renderCustomers();
    await refresh();
    $('composer-text').focus();
  }

  // ---------- the chat ----------

  /** Bubbles already on screen, by wamid, so a refresh keeps open lists and focus. */
  const rendered = new Map();
  const dividers = new Map();
  function resetChatLog() {
    rendered.clear();
    dividers.clear();
    $('chat-log').replaceChildren();
  }

  const customer = () => (state.conversation ? state.conversation.customer : null);

  function renderChat() {
    const c = customer();
    const open = c !== null;
    $('chat-title').textContent = open ? c.name : 'No chat open';
    $('avatar').textContent = open ? initials(c.name) : '?';
    for (const id of ['composer-text', 'composer-send', 'open-location', 'open-attach']) $(id).disabled = !open;
    $('chat-empty').hidden = open && state.conversation.messages.length > 0;
    $('chat-empty').textContent = open
      ? `Write as ${c.name}: the business gets the signed webhook.`
      : 'Pick a customer or create one to chat as them.';
    if (!open) {
      $('chat-sub').textContent = 'Pick a customer or create one';
      renderDetails();
      return;
    }
    $('chat-sub').textContent = state.conversation.typing ? 'typing…' : c.hideNumber ? `username only · ${c.userId || ''}` : `+${c.waId}`;
    $('chat-sub').classList.toggle('typing', Boolean(state.conversation.typing));
    if (state.conversation.typing) scheduleTypingCheck();
    renderMessages(state.conversation.messages);
    renderDetails();
  }

  let typingTimer = null;
  // "typing…" ends by itself after about 25 s without any change to announce it.
  function scheduleTypingCheck() {
    if (typingTimer) return;
    typingTimer = window.setTimeout(() => {
      typingTimer = null;
      void refresh();
    }, 5000);
  }

  function renderMessages(messages) {
    const log = $('chat-log');
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    const wanted = [];
    let lastDay = null;
    let newOwn = false;
    const byWamid = new Map(messages.map((m) => [m.wamid, m]));
    for (const m of messages) {
      const day = dayLabel(m.at);
      if (day !== lastDay) {
        lastDay = day;
        if (!dividers.has(day)) dividers.set(day, el('li', { class: 'day', role: 'presentation' }, [el('span', {}, [day])]));
        wanted.push(dividers.get(day));
      }
      let entry = rendered.get(m.wamid);
      const quoted = m.replyTo ? byWamid.get(m.replyTo) : undefined;
      const quote = quoted ? quoted.header || quoted.text : null;
      const content = JSON.stringify([m.kind, m.text, m.header, m.footer, m.buttons, m.list, m.quickReplies, m.media, m.location, quote]);
      if (!entry || entry.content !== content) {
        const replaced = entry;
        entry = { content, meta: '', node: bubble(m, quote) };
        if (replaced) replaced.node.replaceWith(entry.node);
        else if (m.direction === 'in') newOwn = true;
        rendered.set(m.wamid, entry);
      }
      const meta = JSON.stringify([m.status, m.error, m.readByBusiness, m.webhook]);
      if (entry.meta !== meta) {
        entry.meta = meta;
        updateMeta(entry.node, m);
      }
      wanted.push(entry.node);
    }
    const current = [...log.children];
    const prefix = current.every((node, i) => wanted[i] === node);
    // Appending keeps focus and open lists; anything else (a new order) rebuilds.
    if (prefix) log.append(...wanted.slice(current.length));
    else log.replaceChildren(...wanted);
    if (nearBottom || newOwn) log.scrollTop = log.scrollHeight;
  }

  const REPLY_KINDS = ['button_reply', 'list_reply', 'quick_reply'];
  const capitalise = (word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
  const mediaIcon = (type) =>
    type === 'image' || type === 'sticker' ? 'image' : type === 'video' ? 'video' : type === 'audio' ? 'audio' : 'file';

  function bubble(m, quote) {
    const fromBusiness = m.direction === 'out';
    const parts = [];
    if (quote) parts.push(el('p', { class: 'b-quote' }, [el('span', { class: 'visually-hidden' }, ['In reply to: ']), quote]));
    else if (!fromBusiness && REPLY_KINDS.includes(m.kind)) parts.push(el('p', { class: 'b-kind' }, [icon('reply'), 'Reply']));
    if (m.header) parts.push(el('p', { class: 'b-header' }, [m.header]));
    if (fromBusiness && m.media) {
      parts.push(
        el('div', { class: 'b-media' }, [icon(mediaIcon(m.media.type)), el('span', {}, [m.media.filename || capitalise(m.media.type)])]),
      );
      if (m.media.caption) parts.push(el('p', { class: 'b-text' }, [m.media.caption]));
    } else if (m.kind === 'location') {
      const where = m.location;
      parts.push(
        el('div', { class: 'b-location' }, [
          icon('pin'),
          el('span', {}, [el('strong', {}, [m.text]), where && where.address ? el('span', { class: 'b-address' }, [where.address]) : null]),
        ]),
      );
    } else if (!fromBusiness && ['image', 'video', 'audio', 'document', 'sticker'].includes(m.kind)) {
      parts.push(el('div', { class: 'b-media' }, [icon(mediaIcon(m.kind)), el('span', {}, [capitalise(m.kind)])]));
      if (!/^\[.*\]$/.test(m.text)) parts.push(el('p', { class: 'b-text' }, [m.text]));
    } else {
      parts.push(el('p', { class: 'b-text' }, [m.text]));
    }
    if (m.footer) parts.push(el('p', { class: 'b-footer' }, [m.footer]));
    parts.push(el('div', { class: 'b-meta' }, [el('time', { datetime: m.at }, [clock(m.at)])]));

    const actions = [];
    if (fromBusiness && m.buttons) {
      actions.push(
        el(
          'div',
          { class: 'b-actions', role: 'group', 'aria-label': 'Reply buttons' },
          m.buttons.map((b) =>
            el('button', { type: 'button', class: 'b-action' }, [icon('reply'), b.title], {
              click: () => void customerSends({ type: 'button_reply', id: b.id, title: b.title, replyTo: m.wamid }),
            }),
          ),
        ),
      );
    }
    if (fromBusiness && m.quickReplies) {
      actions.push(
        el(
          'div',
          { class: 'b-actions', role: 'group', 'aria-label': 'Quick replies' },
          m.quickReplies.map((q) =>
            el('button', { type: 'button', class: 'b-action' }, [icon('reply'), q.text], {
              click: () => void customerSends({ type: 'quick_reply', payload: q.payload, text: q.text, replyTo: m.wamid }),
            }),
          ),
        ),
      );
    }
    if (fromBusiness && m.list) actions.push(listPicker(m));
    const failure = el('p', { class: 'b-failure', hidden: true });
    return el('li', { class: `row ${fromBusiness ? 'from-business' : 'from-customer'}`, 'data-wamid': m.wamid }, [
      el('div', { class: 'bubble' }, [...parts, ...actions]),
      failure,
    ]);
  }

  let listCount = 0;
  /** An interactive list: a button opens its rows, and each row is a button that answers with it. */
  function listPicker(m) {
    listCount += 1;
    const panelId = `list-${listCount}`;
    const toggle = el('button', { type: 'button', class: 'b-action list-toggle', 'aria-expanded': 'false', 'aria-controls': panelId }, [
      icon('list'),
      el('span', {}, [m.list.button]),
    ]);
    const close = () => {
      panel.hidden = true;
      toggle.setAttribute('aria-expanded', 'false');
    };
    const sections = m.list.sections.map((section, i) => {
      const titleId = `${panelId}-s${i}`;
      return el('div', { class: 'list-section', role: 'group', 'aria-labelledby': section.title ? titleId : null }, [
        section.title ? el('h3', { id: titleId, class: 'list-section-title' }, [section.title]) : null,
        ...section.rows.map((row) =>
          el(
            'button',
            { type: 'button', class: 'list-row' },
            [
              el('span', { class: 'list-row-title' }, [row.title]),
              row.description ? el('span', { class: 'list-row-description' }, [row.description]) : null,
            ],
            {
              click: () => {
                close();
                toggle.focus();
                void customerSends({
                  type: 'list_reply',
                  id: row.id,
                  title: row.title,
                  ...(row.description ? { description: row.description } : {}),
                  replyTo: m.wamid,
                });
              },
            },
          ),
        ),
      ]);
    });
    const panel = el('div', { id: panelId, class: 'list-panel', hidden: true }, sections, {
      keydown: (event) => {
        if (event.key !== 'Escape') return;
        close();
        toggle.focus();
      },
    });
    toggle.addEventListener('click', () => {
      const opening = panel.hidden;
      panel.hidden = !opening;
      toggle.setAttribute('aria-expanded', String(opening));
      if (opening) {
        const first = panel.querySelector('button');
        if (first) {
          first.focus();
          panel.scrollIntoView({ block: 'nearest' });
        }
      }
    });
    return el('div', { class: 'b-list' }, [toggle, panel]);
  }

  const STATUS = {
    accepted: { label: 'Pending', icon: 'clock', hint: 'Accepted by the simulator; no status yet' },
    sent: { label: 'Sent', icon: 'check', hint: 'The business got a "sent" status' },
    delivered: { label: 'Delivered', icon: 'checks', hint: 'The business got a "delivered" status' },
    read: { label: 'Read', icon: 'checks', hint: 'The business got a "read" status' },
    failed: { label: 'Failed', icon: 'alert', hint: 'The business got a "failed" status' },
  };
  // The customer's own messages: their ticks follow the webhook to the business.
  const WEBHOOK = {
    pending: { label: 'Pending', icon: 'clock', hint: 'Delivering the webhook to the business' },
    off: { label: 'Sent', icon: 'check', hint: 'No webhook URL is configured: only recorded' },
    delivered: { label: 'Delivered', icon: 'checks', hint: 'The business acknowledged the webhook' },
    failed: { label: 'Not delivered', icon: 'alert', hint: 'The webhook was refused or unreachable after every retry' },
  };

  function updateMeta(node, m) {
    const meta = node.querySelector('.b-meta');
    const old = meta.querySelector('.ticks');
    if (old) old.remove();
    let tick;
    let kind;
    if (m.direction === 'out') {
      kind = m.error ? 'failed' : m.status || 'accepted';
      tick = STATUS[kind] || STATUS.accepted;
    } else {
      kind = m.readByBusiness ? 'read' : m.webhook || 'off';
      tick = m.readByBusiness ? { label: 'Read', icon: 'checks', hint: 'The business marked it read' } : WEBHOOK[kind] || WEBHOOK.off;
    }
    meta.append(
      el('span', { class: `ticks ${kind}`, role: 'img', 'aria-label': tick.label, title: `${tick.label}: ${tick.hint}` }, [
        icon(tick.icon),
      ]),
    );
    node.dataset.status = kind;
    const failure = node.querySelector('.b-failure');
    const failed = m.direction === 'out' && m.error;
    failure.hidden = !failed;
    failure.textContent = failed ? `Failed: (#${m.error.code}) ${m.error.title}` : '';
    node.classList.toggle('failed', Boolean(failed));
    if (m.direction === 'in' && m.webhook === 'failed' && !m.readByBusiness) {
      failure.hidden = false;
      failure.textContent = 'The business never acknowledged this webhook.';
    }
  }

  // The chat is on screen, so messages that reached the phone are read at once, as on a real phone.
  let reading = false;
  async function readIfOpen() {
    const conversation = state.conversation;
    if (reading || !conversation || !state.config || !state.config.statuses || document.visibilityState !== 'visible') return;
    const reached = conversation.messages.some((m) => m.direction === 'out' && !m.error && m.status === 'delivered');
    if (!reached) return;
    reading = true;
    try {
      await api('POST', '/sim/read', { phoneNumberId: state.phoneNumberId, waId: conversation.customer.waId });
    } catch (error) {
      showError('chat-error', error);
    } finally {
      reading = false;
    }
    if (!state.live) void refresh();
  }

  async function customerSends(message) {
    if (!state.waId) return;
    showError('chat-error', null);
    try {
      // Resolves once the webhook is delivered (or given up); the feed shows the bubble before that.
      await api('POST', '/sim/customer-messages', { phoneNumberId: state.phoneNumberId, from: state.waId, message });
    } catch (error) {
      showError('chat-error', error);
    }
    void refresh();
  }

  // ---------- the details panel ----------

  function renderDetails() {
    const c = customer();
    $('details-empty').hidden = c !== null;
    $('details-body').hidden = c === null;
    if (!c) return;
    $('fact-phone').textContent = c.hideNumber ? `hidden (username) · ${c.userId || ''}` : `+${c.waId}${c.userId ? ` · ${c.userId}` : ''}`;
    const last = c.lastInboundAt ? new Date(c.lastInboundAt).getTime() : null;
    const left = last === null ? 0 : last + WINDOW_MS - Date.now();
    const windowFact = $('fact-window');
    windowFact.textContent =
      left > 0
        ? `Open: ${duration(left)} left (until ${clock(new Date(last + WINDOW_MS).toISOString())})`
        : last === null
          ? 'Closed: the customer never wrote; only templates reach them'
          : 'Closed: only templates reach this customer';
    windowFact.dataset.open = String(left > 0);
    $('fact-marketing').textContent = c.marketingStopped ? 'Stopped: marketing templates fail with 131050' : 'Receiving';
    $('marketing-toggle').textContent = c.marketingStopped ? 'Resume marketing' : 'Stop marketing';
  }

  function renderSimulatorFacts() {
    const config = state.config;
    if (!config) return;
    $('fact-statuses').textContent = config.statuses
      ? 'On: sent, delivered, then read while the chat is open'
      : 'Off: the business gets no status webhooks';
    const number = config.numbers.find((n) => n.phoneNumberId === state.phoneNumberId);
    $('fact-reach').textContent = number
      ? `${number.uniqueRecipients24h} customers outside the window${number.messagingLimit ? ` · limit ${number.messagingLimit}` : ''}`
      : '';
  }

  function renderTemplates() {
    $('templates-summary').textContent = `Templates (${state.templates.length})`;
    const list = $('template-list');
    if (state.templates.length === 0) {
      list.replaceChildren(el('li', { class: 'muted small' }, ['None registered: every template send is accepted.']));
      return;
    }
    list.replaceChildren(
      ...state.templates.map((t) => {
        const body = (t.components || []).find((c) => c.type === 'BODY');
        return el('li', {}, [
          el('span', { class: 'template-name' }, [t.name]),
          el('span', { class: 'tag' }, [t.category.toLowerCase()]),
          t.status !== 'APPROVED' ? el('span', { class: 'tag warn' }, [t.status.toLowerCase()]) : null,
          body && body.text ? el('span', { class: 'template-body' }, [body.text]) : null,
        ]);
      }),
    );
  }

  // ---------- forms ----------

  $('new-customer').addEventListener('submit', async (event) => {
    event.preventDefault();
    const nameField = $('customer-name');
    const numberField = $('customer-number');
    const name = nameField.value.trim();
    const waId = normaliseNumber(numberField.value);
    nameField.removeAttribute('aria-invalid');
    numberField.removeAttribute('aria-invalid');
    showError('customer-error', null);
    if (!name) {
      nameField.setAttribute('aria-invalid', 'true');
      nameField.focus();
      return showError('customer-error', 'Give the customer a name.');
    }
    if (!waId) {
      numberField.setAttribute('aria-invalid', 'true');
      numberField.focus();
      return showError('customer-error', 'The number needs 6 to 15 digits, country code first (e.g. +39 333 123 4567).');
    }
    try {
      await api('POST', '/sim/customers', { waId, name });
      nameField.value = '';
      numberField.value = '';
      await openChat(waId);
    } catch (error) {
      showError('customer-error', error);
    }
  });

  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const field = $('composer-text');
    const text = field.value;
    if (!text.trim()) return;
    field.value = '';
    void customerSends({ type: 'text', text });
  });

  /** The sheet above the composer (location or attachment), and the button that opened it. */
  let sheetOpener = null;
  function closeSheet(refocus) {
    $('sheet-slot').replaceChildren();
    if (sheetOpener) sheetOpener.setAttribute('aria-expanded', 'false');
    if (refocus && sheetOpener) sheetOpener.focus();
    sheetOpener = null;
  }

  function showSheet(opener, form, firstFieldId) {
    closeSheet(false);
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') closeSheet(true);
    });
    $('sheet-slot').replaceChildren(form);
    sheetOpener = opener;
    opener.setAttribute('aria-expanded', 'true');
    $(firstFieldId).focus();
  }

  function field(id, label, value, extra) {
    return el('div', { class: 'field' }, [el('label', { for: id }, [label]), el('input', { id, value, autocomplete: 'off', ...extra })]);
  }

  function sheetButtons(submitLabel) {
    return el('div', { class: 'sheet-buttons' }, [
      el('button', { type: 'button', class: 'secondary' }, ['Cancel'], { click: () => closeSheet(true) }),
      el('button', { type: 'submit', class: 'primary' }, [submitLabel]),
    ]);
  }

  // Built on demand, so its "Place name" field exists only while it is open.
  function openLocationSheet() {
    const form = el(
      'form',
      { id: 'location-sheet', class: 'sheet', 'aria-labelledby': 'location-sheet-title', novalidate: true },
      [
        el('h3', { id: 'location-sheet-title' }, ['Share a location']),
        field('location-place', 'Place name', '', { maxlength: '200', placeholder: 'e.g. Home' }),
        field('location-address', 'Address', 'Via Roma 1, Milano', { maxlength: '500' }),
        el('div', { class: 'field-row' }, [
          field('location-latitude', 'Latitude', '45.4642', { inputmode: 'decimal' }),
          field('location-longitude', 'Longitude', '9.19', { inputmode: 'decimal' }),
        ]),
        el('p', { id: 'location-error', class: 'error', role: 'alert' }),
        sheetButtons('Share this location'),
      ],
      {
        submit: (event) => {
          event.preventDefault();
          const latitude = Number($('location-latitude').value);
          const longitude = Number($('location-longitude').value);
          if (
            !Number.isFinite(latitude) ||
            latitude < -90 ||
            latitude > 90 ||
            !Number.isFinite(longitude) ||
            longitude < -180 ||
            longitude > 180
          ) {
            return showError('location-error', 'Latitude goes from -90 to 90 and longitude from -180 to 180.');
          }
          const name = $('location-place').value.trim();
          const address = $('location-address').value.trim();
          closeSheet(false);
          $('composer-text').focus();
          void customerSends({ type: 'location', latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) });
        },
      },
    );
    showSheet($('open-location'), form, 'location-place');
  }

  // The simulator ships one small file of each type, so a customer can send media without uploading anything.
  const ATTACHMENTS = [
    { type: 'image', label: 'Photo (PNG)', caption: true },
    { type: 'document', label: 'Document (PDF)', caption: true },
    { type: 'audio', label: 'Voice note', caption: false },
    { type: 'video', label: 'Video (MP4)', caption: true },
    { type: 'sticker', label: 'Sticker', caption: false },
  ];

  function openAttachSheet() {
    const select = el(
      'select',
      { id: 'attach-type' },
      ATTACHMENTS.map((a) => el('option', { value: a.type }, [a.label])),
      {
        change: () => {
          const chosen = ATTACHMENTS.find((a) => a.type === select.value);
          $('attach-caption').disabled = !chosen || !chosen.caption;
        },
      },
    );
    const form = el(
      'form',
      { id: 'attach-sheet', class: 'sheet', 'aria-labelledby': 'attach-sheet-title', novalidate: true },
      [
        el('h3', { id: 'attach-sheet-title' }, ['Send a file']),
        el('div', { class: 'field' }, [el('label', { for: 'attach-type' }, ['File type']), select]),
        field('attach-caption', 'Caption', '', { maxlength: '1024', placeholder: 'Optional' }),
        sheetButtons('Send file'),
      ],
      {
        submit: (event) => {
          event.preventDefault();
          const type = select.value;
          const caption = $('attach-caption').disabled ? '' : $('attach-caption').value.trim();
          closeSheet(false);
          $('composer-text').focus();
          void customerSends({ type, ...(caption ? { caption } : {}) });
        },
      },
    );
    showSheet($('open-attach'), form, 'attach-type');
  }

  $('open-location').addEventListener('click', () => ($('location-sheet') ? closeSheet(true) : openLocationSheet()));
  $('open-attach').addEventListener('click', () => ($('attach-sheet') ? closeSheet(true) : openAttachSheet()));

  let changingPreference = false;
  $('marketing-toggle').addEventListener('click', async () => {
    const c = customer();
    if (!c || changingPreference) return;
    changingPreference = true;
    showError('chat-error', null);
    try {
      await api('POST', '/sim/user-preferences', {
        phoneNumberId: state.phoneNumberId,
        waId: c.waId,
        value: c.marketingStopped ? 'resume' : 'stop',
      });
      await refresh();
    } catch (error) {
      showError('chat-error', error);
    } finally {
      changingPreference = false;
    }
  });

  $('business-line').addEventListener('change', (event) => {
    state.phoneNumberId = event.target.value;
    resetChatLog();
    void refresh();
    void loadTemplates().catch(() => undefined);
  });

  document.querySelector('.templates').addEventListener('toggle', () => void loadTemplates().catch(() => undefined));
  document.addEventListener('visibilitychange', () => void readIfOpen());
  // The service window counts down even when nothing changes.
  window.setInterval(renderDetails, 30000);

  async function start() {
    await loadConfig();
    await loadCustomers();
    const wanted = decodeURIComponent(window.location.hash.slice(1));
    if (state.customers.some((c) => c.waId === wanted)) await openChat(wanted);
    else renderChat();
    await loadTemplates().catch(() => undefined);
    connectLive();
    document.body.dataset.ready = 'true';
  }
  start().catch((error) => {
    showError('chat-error', error);
    setLiveText('The simulator did not answer; reload the page', 'down');
  });
})();
