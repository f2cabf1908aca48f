import { h, when, badge, scopeList, facts, clear } from '../dom.js';
import { attempt } from '../ui.js';

/** Test connection: whoami with the signed-in key, as a gateway or script would call it. */
export async function connectionView({ session }) {
  const result = h('div', { id: 'connection-result', role: 'status' });
  async function test() {
    clear(result);
    const started = performance.now();
    const me = await attempt(() => session.api.get('/api/v1/whoami'));
    if (!me) return;
    result.append(h('p', { class: 'ok' }, `Connection works: Keyplane answered in ${Math.round(performance.now() - started)} ms.`),
      h('div', { class: 'card' }, facts([
        ['Kind', me.kind], ['Key', h('code', {}, `${me.key_prefix}…`)], ['Key id', me.key_id], ['Workspace', me.workspace_id],
        ['Service account', me.service_account_id], ['Effective scopes', scopeList(me.scopes)],
        ['Expires', when(me.expires_at)], ['Status', badge(me.status)],
      ])));
  }
  return h('section', { 'aria-labelledby': 'connection-title' },
    h('h1', { id: 'connection-title' }, 'Test connection'),
    h('p', {}, 'Calls GET /api/v1/whoami with the key you signed in with and shows what Keyplane knows of it.'),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'test-connection', onclick: test }, 'Test connection')),
    result);
}
