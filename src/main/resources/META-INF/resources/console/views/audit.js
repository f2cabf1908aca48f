import { h, field, select, when, facts } from '../dom.js';
import { ApiProblem } from '../api.js';
import { pager } from './keys.js';

const FILTERS = ['action', 'actor_id', 'target_id', 'outcome', 'since', 'until'];

/** Audit log: chain-verification badge, filters, paging; each event opens into its changes. */
export async function auditView({ session, query, navigate }) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) || '']));
  const cursor = query.get('cursor') || '';
  const page = await session.api.page(session.ws('/audit-log'), { ...filters, cursor, limit: 25 });
  // the chain check walks the whole log: it fills its badge when it answers, and a failure never hides the log
  const badge = h('span', { class: 'badge', id: 'chain-badge', role: 'status' }, 'Verifying the chain…');
  session.api.get(session.ws('/audit-log/verify')).then((v) => chainBadge(badge, v), (e) => {
    badge.className = 'badge badge-paused';
    badge.textContent = `Chain not verified: ${e instanceof ApiProblem ? e.title : e}${e.requestId ? ` (request id ${e.requestId})` : ''}`;
  });
  const inputs = {
    action: h('input', { name: 'action', value: filters.action, placeholder: 'api_key.revoke', autocomplete: 'off' }),
    actor_id: h('input', { name: 'actor_id', value: filters.actor_id, autocomplete: 'off' }),
    target_id: h('input', { name: 'target_id', value: filters.target_id, autocomplete: 'off' }),
    outcome: select('outcome', [['', 'Any outcome'], ['success', 'success'], ['denied', 'denied']], filters.outcome),
    since: h('input', { name: 'since', value: filters.since, placeholder: '2026-01-15T09:30:00Z', autocomplete: 'off' }),
    until: h('input', { name: 'until', value: filters.until, placeholder: '2026-01-16T00:00:00Z', autocomplete: 'off' }),
  };
  const form = h('form', { class: 'filters', 'aria-label': 'Filter audit events' },
    field('Action', inputs.action), field('Actor id', inputs.actor_id), field('Target id', inputs.target_id),
    field('Outcome', inputs.outcome), field('Since (RFC 3339)', inputs.since), field('Until (RFC 3339)', inputs.until),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply filters')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate('/audit', Object.fromEntries(FILTERS.map((name) => [name, inputs[name].value.trim()])));
  });

  return h('section', { 'aria-labelledby': 'audit-title' },
    h('div', { class: 'title-row' }, h('h1', { id: 'audit-title' }, 'Audit log'), badge),
    form,
    page.data.length === 0 ? h('p', { class: 'empty' }, 'No events match these filters.') : h('table', { id: 'audit-table' },
      h('thead', {}, h('tr', {}, ['Seq', 'Time', 'Action', 'Target', 'Outcome', 'Actor', 'Details']
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, page.data.map((e) => h('tr', { dataset: { action: e.action, targetId: e.target.id || '' } },
        h('td', {}, String(e.seq)),
        h('td', {}, when(e.at)),
        h('td', { class: 'action' }, h('code', {}, e.action)),
        h('td', {}, `${e.target.type} `, h('code', {}, e.target.id || '')),
        h('td', {}, h('span', { class: `outcome outcome-${e.outcome}` }, e.outcome)),
        h('td', {}, e.actor.type === 'operator' ? 'operator' : h('code', {}, e.actor.id)),
        h('td', {}, h('details', {}, h('summary', {}, 'Details'), facts([
          ['Request id', h('code', {}, e.request_id || '—')], ['Source address', e.source_ip || '—'],
          ['User agent', e.user_agent || '—'], ['Key used', e.actor.key_id || '—'],
          ['Changes', h('pre', {}, JSON.stringify(e.changes || {}, null, 2))],
        ]))))))),
    pager(cursor, page.next, (next) => navigate('/audit', { ...filters, cursor: next })));
}

function chainBadge(badge, v) {
  badge.className = `badge ${v.valid ? 'badge-active' : 'badge-revoked'}`;
  badge.textContent = v.valid ? `Chain verified: ${v.events} events unbroken` : `Chain broken at seq ${v.first_bad_seq}: ${v.reason}`;
}
