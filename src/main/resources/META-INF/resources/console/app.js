// The console's shell: sign-in gate, layout and a hash router (#/keys, #/keys/<id>, ...). Routes carry ids and
// filters, never a key.
import { h, clear } from './dom.js';
import { resume, signOut, SIGNED_OUT } from './session.js';
import { showProblem, takeNotice } from './ui.js';
import { signInView } from './views/sign-in.js';
import { keysView } from './views/keys.js';
import { createKeyView } from './views/key-create.js';
import { keyDetailView } from './views/key-detail.js';
import { accountsView, accountDetailView } from './views/accounts.js';
import { scopesView } from './views/scopes.js';
import { auditView } from './views/audit.js';
import { connectionView } from './views/connection.js';

const ROUTES = [
  [/^\/keys$/, keysView],
  [/^\/keys\/new$/, createKeyView],
  [/^\/keys\/([0-9a-f-]{36})$/, keyDetailView],
  [/^\/service-accounts$/, accountsView],
  [/^\/service-accounts\/([0-9a-f-]{36})$/, accountDetailView],
  [/^\/scopes$/, scopesView],
  [/^\/audit$/, auditView],
  [/^\/connection$/, connectionView],
];

const SECTIONS = [
  ['#/keys', 'API Keys', /^\/keys/],
  ['#/service-accounts', 'Service accounts', /^\/service-accounts/],
  ['#/scopes', 'Scopes', /^\/scopes/],
  ['#/audit', 'Audit log', /^\/audit/],
  ['#/connection', 'Test connection', /^\/connection/],
];

let session = null;
let renders = 0; // a slower earlier render must not overwrite a later one

/** The current route: path and query of the part after '#'. */
function route() {
  const hash = window.location.hash.replace(/^#/, '') || '/keys';
  const [path, search = ''] = hash.split('?');
  return { path, query: new URLSearchParams(search) };
}

export function navigate(path, query) {
  const search = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v)).toString() : '';
  const target = `#${path}${search ? `?${search}` : ''}`;
  if (window.location.hash === target) render();
  else window.location.hash = target;
}

async function render() {
  const app = document.getElementById('app');
  const current = ++renders;
  if (!session) {
    document.getElementById('notice').hidden = true;
    document.title = 'Sign in · Keyplane console';
    clear(app);
    app.append(signInView((signedIn) => {
      session = signedIn;
      if (window.location.hash) render(); // a deep link opened while signed out
      else navigate('/keys');
    }));
    return;
  }
  const { path, query } = route();
  const found = ROUTES.map(([pattern, view]) => [pattern.exec(path), view]).find(([match]) => match);
  const main = h('main', { id: 'main', tabindex: '-1' });
  clear(app);
  app.append(shell(path), main);
  if (!found) {
    main.append(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/keys' }, 'Back to the API keys')));
    return;
  }
  const [match, view] = found;
  const ctx = { session, query, navigate, params: match.slice(1) };
  const content = h('div', { class: 'view' }, h('p', { class: 'loading' }, 'Loading…'));
  const notice = document.getElementById('notice'); // outside the app: one live region that screen readers follow
  main.append(
    h('div', { id: 'problem', class: 'problem', role: 'alert', tabindex: '-1', hidden: true }), content);
  try {
    const node = await view(ctx);
    if (current !== renders) return;
    clear(content);
    content.append(node);
    const text = takeNotice();
    notice.textContent = text || '';
    notice.hidden = !text;
    const heading = main.querySelector('h1');
    document.title = `${heading ? heading.textContent : 'Keyplane'} · Keyplane console`;
    // the control that led here was re-rendered away: keyboard users continue from the new screen, not the top
    if (!document.activeElement || document.activeElement === document.body) main.focus({ preventScroll: true });
  } catch (e) {
    if (current !== renders) return;
    clear(content);
    showProblem(e);
  }
}

function shell(path) {
  const identity = session.identity;
  return h('header', { class: 'shell' },
    h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'Keyplane'),
    h('div', { class: 'who' },
      h('span', { class: 'workspace' }, session.workspace.name),
      h('span', { class: 'muted' }, ' · signed in with '),
      h('code', { id: 'signed-in-prefix' }, identity.key_prefix),
      h('button', { type: 'button', id: 'sign-out', onclick: () => {
        signOut();
        session = null;
        history.replaceState(null, '', window.location.pathname);
        render();
      } }, 'Sign out')),
    h('nav', { 'aria-label': 'Sections' }, h('ul', {}, SECTIONS.map(([href, label, active]) =>
      h('li', {}, h('a', { href, 'aria-current': active.test(path) ? 'page' : null }, label))))));
}

window.addEventListener('hashchange', () => render());
// the key stopped working (revoked, expired, paused): back to sign-in, saying why
window.addEventListener(SIGNED_OUT, (event) => {
  if (!session) return;
  session = null;
  render().then(() => showProblem(event.detail));
});
resume().then((resumed) => {
  session = resumed;
  render();
}, (problem) => {
  render();
  showProblem(problem);
});
