import { h, field, select, when, badge, scopeList, facts, clear } from '../dom.js';
import { attempt, guardedButton, confirmAction, showSecretOnce, showNotice, modal } from '../ui.js';
import { scopePicker, jsonObject, sameScopes } from './forms.js';
import { pager } from './keys.js';

const GRACE = [['0', 'None: the old key stops at once'], ['3600', '1 hour'], ['86400', '24 hours'], ['604800', '7 days'],
  ['2592000', '30 days']];

/** One key: its card, Edit, Pause/Resume, Rotate, Revoke, Reveal (ingest) and its usage history. */
export async function keyDetailView({ session, params, query, navigate }) {
  const [keyId] = params;
  const path = session.ws(`/api-keys/${keyId}`);
  const cursor = query.get('cursor') || '';
  const [key, usage] = await Promise.all([
    session.api.get(path),
    session.api.page(`${path}/usage`, { cursor, limit: 20 }),
  ]);
  const account = session.can('service_accounts:read')
    ? await session.api.get(session.ws(`/service-accounts/${key.service_account_id}`)).catch(() => null) : null;
  const reload = () => navigate(`/keys/${keyId}`);
  const live = key.status === 'active' || key.status === 'paused';

  const act = (action, notice) => async () => {
    if (await attempt(action)) {
      reload();
      showNotice(notice);
    }
  };
  const pause = act(() => session.api.post(`${path}/pause`), `Key "${key.name}" paused.`);
  const resume = act(() => session.api.post(`${path}/resume`), `Key "${key.name}" resumed.`);

  async function revoke() {
    const ok = await confirmAction(`Revoke "${key.name}"?`,
      `Revoking "${key.name}" (${key.key_prefix}…) is permanent: every application using it loses access at once.`,
      `Revoke "${key.name}"`);
    if (ok && await attempt(() => session.api.delete(path))) {
      reload();
      showNotice(`Key "${key.name}" revoked.`);
    }
  }

  async function rotate() {
    const grace = await modal(`Rotate "${key.name}"`, (close) => {
      const period = select('grace_period_seconds', GRACE, '0');
      const form = h('form', {}, h('p', {}, 'A new key with the same account, scopes, limits and metadata replaces this one.'),
        field('Grace period for the old key', period, 'How long both keys work, so you can deploy the new one first.'),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Rotate key'),
          h('button', { type: 'button', onclick: () => close(null) }, 'Cancel')));
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        close(Number(period.value));
      });
      return form;
    });
    if (grace === null) return;
    const rotated = await attempt(() => session.api.post(`${path}/rotate`, { grace_period_seconds: grace }));
    if (!rotated) return;
    const secret = rotated.key;
    delete rotated.key;
    await showSecretOnce(`"${key.name}" rotated`, secret,
      grace ? `The old key keeps working until ${when(new Date(Date.now() + grace * 1000).toISOString())}.` : 'The old key no longer works.');
    navigate(`/keys/${rotated.id}`);
  }

  async function reveal() {
    const revealed = await attempt(() => session.api.get(`${path}/reveal`));
    if (revealed) {
      await showSecretOnce(`Key "${key.name}"`, revealed.key, null,
        ['Every reveal is audited. ', 'Ingest keys stay revealable; close this dialog once you have copied it.']);
    }
  }

  const editArea = h('div', { id: 'edit-area' });
  async function edit() {
    const catalog = await attempt(() => session.api.get(session.ws('/scopes')));
    if (!catalog) return;
    const name = h('input', { name: 'name', value: key.name, required: true, maxlength: 200 });
    const scopes = scopePicker(catalog, key.scopes, 'Permissions', 'A key can never exceed its service account.');
    const meta = h('textarea', { name: 'meta', rows: 4, spellcheck: 'false' });
    meta.value = JSON.stringify(key.meta || {}, null, 2);
    const form = h('form', { class: 'card', 'aria-label': 'Edit key' }, field('Name', name), scopes.node,
      field('Metadata (JSON object)', meta),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save changes'),
        h('button', { type: 'button', onclick: () => clear(editArea) }, 'Cancel')));
    const changes = () => { // only what was changed: a PATCH never rewrites what the user did not touch
      const body = {};
      if (name.value !== key.name) body.name = name.value;
      if (!sameScopes(scopes.value(), key.scopes)) body.scopes = scopes.value();
      const metadata = jsonObject(meta.value, 'meta');
      if (JSON.stringify(metadata) !== JSON.stringify(key.meta || {})) body.meta = metadata;
      return body;
    };
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const saved = await attempt(() => {
        const body = changes();
        return Object.keys(body).length ? session.api.patch(path, body) : key;
      });
      if (saved) {
        reload();
        showNotice(`Key "${saved.name}" saved.`);
      }
    });
    clear(editArea);
    editArea.append(form);
    name.focus();
  }

  const actions = h('div', { class: 'actions', role: 'group', 'aria-label': 'Key actions' },
    live ? guardedButton(session, 'keys:write', 'Edit', edit, { id: 'edit-key' }) : null,
    key.status === 'active' ? guardedButton(session, 'keys:write', 'Pause', pause, { id: 'pause-key' }) : null,
    key.status === 'paused' ? guardedButton(session, 'keys:write', 'Resume', resume, { id: 'resume-key' }) : null,
    live && !key.replaced_by ? guardedButton(session, 'keys:write', 'Rotate', rotate, { id: 'rotate-key' }) : null,
    key.kind === 'ingest' && live ? guardedButton(session, 'keys:write', 'Reveal key', reveal, { id: 'reveal-key' }) : null,
    key.status !== 'revoked' ? guardedButton(session, 'keys:write', 'Revoke', revoke, { id: 'revoke-key', class: 'danger' }) : null);

  return h('section', { 'aria-labelledby': 'key-title' },
    h('p', {}, h('a', { href: '#/keys' }, '← API Keys')),
    h('div', { class: 'title-row' }, h('h1', { id: 'key-title' }, key.name), badge(key.status)),
    h('div', { class: 'card', id: 'key-card' }, facts([
      ['Key', h('code', {}, `${key.key_prefix}…`)],
      ['Kind', key.kind],
      ['Status', badge(key.status)],
      ['Permissions', scopeList(key.scopes)],
      ['Service account', h('a', { href: `#/service-accounts/${key.service_account_id}` },
        account ? account.name : key.service_account_id)],
      ['Created', when(key.created_at)],
      ['Expires', when(key.expires_at)],
      ['Last used', when(key.last_used_at)],
      ['Last rotated', key.rotated_from
        ? h('span', {}, when(key.created_at), ' (from ', h('a', { href: `#/keys/${key.rotated_from}` }, 'the previous key'), ')')
        : 'Never'],
      key.replaced_by ? ['Replaced by', h('a', { href: `#/keys/${key.replaced_by}` }, 'the new key')] : null,
      ['Rate limit', key.rate_limit ? `${key.rate_limit.limit} per ${key.rate_limit.window_seconds} s` : 'Unlimited'],
      key.credits ? ['Credits', `${key.credits.remaining} remaining`
        + (key.credits.refill ? `, refilled to ${key.credits.refill.amount} each ${key.credits.refill.interval}` : '')] : null,
      ['Allowed addresses', key.allowed_cidrs.length ? key.allowed_cidrs.join(', ') : 'Anywhere'],
      ['Metadata', h('pre', {}, JSON.stringify(key.meta || {}, null, 2))],
      key.revoked_at ? ['Revoked', when(key.revoked_at)] : null,
    ])),
    actions,
    editArea,
    h('h2', { id: 'usage-title' }, 'Usage history'),
    usageHistory(usage.data),
    pager(cursor, usage.next, (next) => navigate(`/keys/${keyId}`, { cursor: next })));
}

/** Each use opens into its details: request, outcome code, time, source address, user agent, request id. */
function usageHistory(uses) {
  if (uses.length === 0) return h('p', { class: 'empty' }, 'Not used yet.');
  return h('ul', { class: 'usage', 'aria-labelledby': 'usage-title' }, uses.map((u) => h('li', {},
    h('details', {},
      h('summary', {}, `${when(u.at)} · ${u.method ? `${u.method} ${u.path || ''}` : 'verification'} `, h('span', { class: `outcome outcome-${u.outcome}` },
        `${u.outcome} (${u.code})`)),
      facts([
        ['Time', when(u.at)], ['Outcome', u.outcome], ['Code', u.code], ['Request', `${u.method || ''} ${u.path || ''}`],
        ['Source address', u.source_ip || '—'], ['User agent', u.user_agent || '—'],
        ['Request id', h('code', {}, u.request_id || '—')],
      ])))));
}
