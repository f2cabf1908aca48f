import { h, field, when, badge, scopeList, facts, clear } from '../dom.js';
import { attempt, guardedButton, confirmAction, showNotice } from '../ui.js';
import { scopePicker, sameScopes } from './forms.js';
import { pager } from './keys.js';

/** Service accounts: list and create; each opens into its own screen. */
export async function accountsView({ session, query, navigate }) {
  const cursor = query.get('cursor') || '';
  const [page, catalog] = await Promise.all([
    session.api.page(session.ws('/service-accounts'), { cursor, limit: 50 }),
    session.api.get(session.ws('/scopes')),
  ]);
  const accounts = page.data;
  const createArea = h('div', { id: 'create-account-area' });
  function openCreate() {
    const form = accountForm(catalog, null, async (body) => {
      const created = await attempt(() => session.api.post(session.ws('/service-accounts'), body));
      if (created) {
        showNotice(`Service account "${created.name}" created.`);
        navigate(`/service-accounts/${created.id}`);
      }
    }, () => clear(createArea));
    clear(createArea);
    createArea.append(form);
    form.querySelector('input').focus();
  }
  return h('section', { 'aria-labelledby': 'accounts-title' },
    h('div', { class: 'title-row' }, h('h1', { id: 'accounts-title' }, 'Service accounts'),
      guardedButton(session, 'service_accounts:write', 'New service account', openCreate, { id: 'create-account', class: 'primary' })),
    h('p', { class: 'muted' }, 'Every key belongs to one service account and can never exceed its scopes.'),
    createArea,
    h('table', { id: 'accounts-table' },
      h('thead', {}, h('tr', {}, ['Name', 'Description', 'Scopes', 'Status', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, accounts.map((a) => h('tr', {},
        h('td', {}, h('a', { href: `#/service-accounts/${a.id}` }, a.name)),
        h('td', {}, a.description || ''),
        h('td', {}, scopeList(a.scopes)),
        h('td', {}, badge(a.status)),
        h('td', {}, when(a.created_at)))))),
    pager(cursor, page.next, (next) => navigate('/service-accounts', { cursor: next })));
}

/** One service account: edit name, description and scopes; disable or enable; delete (revokes its keys). */
export async function accountDetailView({ session, params, navigate }) {
  const path = session.ws(`/service-accounts/${params[0]}`);
  const [account, catalog] = await Promise.all([session.api.get(path), session.api.get(session.ws('/scopes'))]);
  const reload = () => navigate(`/service-accounts/${account.id}`);
  const editArea = h('div', { id: 'edit-account-area' });

  function edit() {
    const form = accountForm(catalog, account, async (fields) => {
      // only what was changed: a PATCH never rewrites (or narrows) what the user did not touch
      const body = Object.fromEntries(Object.entries(fields).filter(([name, value]) => (name === 'scopes'
        ? !sameScopes(value, account.scopes) : value !== (account[name] || ''))));
      if (await attempt(() => (Object.keys(body).length ? session.api.patch(path, body) : account))) {
        showNotice(`Service account "${fields.name}" saved.`);
        reload();
      }
    }, () => clear(editArea));
    clear(editArea);
    editArea.append(form);
    form.querySelector('input').focus();
  }
  async function setStatus(status) {
    if (status === 'disabled' && !await confirmAction(`Disable "${account.name}"?`,
      `Every key of "${account.name}" stops working until the account is enabled again.`, `Disable "${account.name}"`)) return;
    if (await attempt(() => session.api.patch(path, { status }))) {
      showNotice(`Service account "${account.name}" ${status === 'disabled' ? 'disabled' : 'enabled'}.`);
      reload();
    }
  }
  async function remove() {
    if (!await confirmAction(`Delete "${account.name}"?`,
      `Deleting "${account.name}" revokes every key it owns. This cannot be undone.`, `Delete "${account.name}"`)) return;
    if (await attempt(() => session.api.delete(path))) {
      showNotice(`Service account "${account.name}" deleted and its keys revoked.`);
      navigate('/service-accounts');
    }
  }
  const write = 'service_accounts:write';
  return h('section', { 'aria-labelledby': 'account-title' },
    h('p', {}, h('a', { href: '#/service-accounts' }, '← Service accounts')),
    h('div', { class: 'title-row' }, h('h1', { id: 'account-title' }, account.name), badge(account.status)),
    h('div', { class: 'card' }, facts([
      ['Description', account.description || '—'], ['Scopes', scopeList(account.scopes)], ['Status', badge(account.status)],
      ['Created', when(account.created_at)], ['Created by', account.created_by], ['Updated', when(account.updated_at)],
      ['Keys', h('a', { href: `#/keys?service_account_id=${account.id}` }, 'Keys of this account')],
    ])),
    account.status === 'deleted' ? h('p', { class: 'muted' }, 'Deleted: its keys are revoked.')
      : h('div', { class: 'actions', role: 'group', 'aria-label': 'Service account actions' },
        guardedButton(session, write, 'Edit', edit, { id: 'edit-account' }),
        account.status === 'active'
          ? guardedButton(session, write, 'Disable', () => setStatus('disabled'), { id: 'disable-account' })
          : guardedButton(session, write, 'Enable', () => setStatus('active'), { id: 'enable-account' }),
        guardedButton(session, write, 'Delete', remove, { id: 'delete-account', class: 'danger' })),
    editArea);
}

function accountForm(catalog, account, onSave, onCancel) {
  const name = h('input', { name: 'name', required: true, maxlength: 200, value: account ? account.name : '' });
  const description = h('input', { name: 'description', maxlength: 1000, value: account ? account.description || '' : '' });
  const scopes = scopePicker(catalog, account ? account.scopes : [], 'Scopes',
    'Narrowing an account narrows all of its keys at once.');
  const form = h('form', { class: 'card', 'aria-label': account ? 'Edit service account' : 'New service account' },
    field('Name', name), field('Description', description), scopes.node,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, account ? 'Save changes' : 'Create service account'),
      h('button', { type: 'button', onclick: onCancel }, 'Cancel')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onSave({ name: name.value, description: description.value, scopes: scopes.value() });
  });
  return form;
}
