import { h, field, when } from '../dom.js';
import { attempt, guardedButton, confirmAction, showNotice } from '../ui.js';

/** Scopes: the catalog (built-in permissions and the workspace's own), create and delete. */
export async function scopesView({ session, navigate }) {
  const catalog = await session.api.get(session.ws('/scopes'));
  const name = h('input', { name: 'name', required: true, maxlength: 100, pattern: '[a-z][a-z0-9_\\-]*:[a-z][a-z0-9_\\-]*',
    placeholder: 'database:read', autocomplete: 'off' });
  const description = h('input', { name: 'description', maxlength: 500 });
  const allowed = session.can('scopes:write');
  const form = h('form', { class: 'card', 'aria-label': 'New scope' },
    field('Name', name, 'resource:action, lowercase, e.g. database:read or query:execute.'),
    field('Description', description),
    h('div', { class: 'actions' }, allowed
      ? h('button', { type: 'submit', class: 'primary', id: 'create-scope' }, 'Create scope')
      : guardedButton(session, 'scopes:write', 'Create scope', null)));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await attempt(() => session.api.post(session.ws('/scopes'), { name: name.value, description: description.value }))) {
      showNotice(`Scope ${name.value} created.`);
      navigate('/scopes');
    }
  });
  async function remove(scope) {
    if (!await confirmAction(`Delete ${scope.name}?`, `Delete the scope ${scope.name}? A scope still granted to an account or key cannot be deleted.`,
      `Delete ${scope.name}`)) return;
    if (await attempt(() => session.api.delete(session.ws(`/scopes/${encodeURIComponent(scope.name)}`)))) {
      showNotice(`Scope ${scope.name} deleted.`);
      navigate('/scopes');
    }
  }
  return h('section', { 'aria-labelledby': 'scopes-title' },
    h('h1', { id: 'scopes-title' }, 'Scopes'),
    h('p', { class: 'muted' }, 'Scopes limit what each key can do. Grant the least a key needs; a grant may end in :* (database:*).'),
    h('table', { id: 'scopes-table' },
      h('thead', {}, h('tr', {}, ['Name', 'Description', 'Kind', 'Created', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, catalog.map((s) => h('tr', {},
        h('td', {}, h('code', {}, s.name)),
        h('td', {}, s.description || ''),
        h('td', {}, s.built_in ? 'built-in' : 'custom'),
        h('td', {}, s.built_in ? '—' : when(s.created_at)),
        h('td', {}, s.built_in ? h('span', { class: 'muted' }, 'Built-in: cannot be deleted')
          : guardedButton(session, 'scopes:write', `Delete ${s.name}`, () => remove(s), { class: 'danger' })))))),
    h('h2', {}, 'New scope'),
    form);
}
