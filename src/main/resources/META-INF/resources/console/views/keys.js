import { h, field, select, when, badge, scopeList } from '../dom.js';
import { guardedButton } from '../ui.js';

const PAGE_SIZE = 20;
const STATUSES = [['', 'Any status'], ['active', 'Active'], ['paused', 'Paused'], ['expired', 'Expired'], ['revoked', 'Revoked']];
const KINDS = [['', 'Any kind'], ['api', 'api'], ['service', 'service'], ['ingest', 'ingest']];

/** API Keys: filtered, paged list; each name opens the key. */
export async function keysView({ session, query, navigate }) {
  const filters = {
    status: query.get('status') || '',
    kind: query.get('kind') || '',
    service_account_id: query.get('service_account_id') || '',
  };
  const cursor = query.get('cursor') || '';
  const [page, accounts] = await Promise.all([
    session.api.page(session.ws('/api-keys'), { ...filters, cursor, limit: PAGE_SIZE }),
    session.can('service_accounts:read') ? session.api.all(session.ws('/service-accounts')) : Promise.resolve(null),
  ]);
  const accountNames = new Map((accounts || []).map((a) => [a.id, a.name]));

  const status = select('status', STATUSES, filters.status);
  const kind = select('kind', KINDS, filters.kind);
  const account = accounts
    ? select('service_account_id', [['', 'Any service account'], ...accounts.map((a) => [a.id, a.name])], filters.service_account_id)
    : null;
  const filterForm = h('form', { class: 'filters', 'aria-label': 'Filter keys' },
    field('Status', status), field('Kind', kind), account ? field('Service account', account) : null,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply filters')));
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate('/keys', { status: status.value, kind: kind.value, service_account_id: account ? account.value : '' });
  });

  const rows = page.data.map((k) => h('tr', { dataset: { keyId: k.id } },
    h('td', {}, h('a', { href: `#/keys/${k.id}` }, k.name)),
    h('td', {}, h('code', {}, k.key_prefix)),
    h('td', {}, k.kind),
    h('td', {}, badge(k.status)),
    h('td', {}, scopeList(k.scopes)),
    h('td', {}, accountNames.get(k.service_account_id) || h('code', {}, k.service_account_id.slice(0, 8))),
    h('td', {}, when(k.expires_at)),
    h('td', {}, when(k.last_used_at))));

  return h('section', { 'aria-labelledby': 'keys-title' },
    h('div', { class: 'title-row' },
      h('h1', { id: 'keys-title' }, 'API Keys'),
      guardedButton(session, 'keys:write', 'Create new key', () => navigate('/keys/new'), { id: 'create-key', class: 'primary' })),
    filterForm,
    rows.length === 0
      ? h('p', { class: 'empty' }, 'No keys match these filters.')
      : h('table', { id: 'keys-table' },
        h('caption', { class: 'visually-hidden' }, 'API keys, newest first'),
        h('thead', {}, h('tr', {}, ['Name', 'Prefix', 'Kind', 'Status', 'Scopes', 'Service account', 'Expires', 'Last used']
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows)),
    pager(cursor, page.next, (next) => navigate('/keys', { ...filters, cursor: next })));
}

/** First-page and next-page buttons over the API's opaque cursors. */
export function pager(cursor, next, go) {
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    cursor ? h('button', { type: 'button', onclick: () => go('') }, 'First page') : null,
    next ? h('button', { type: 'button', class: 'next-page', onclick: () => go(next) }, 'Next page') : null);
}
