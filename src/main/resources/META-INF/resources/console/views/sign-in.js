import { h, field } from '../dom.js';
import { signIn } from '../session.js';
import { showProblem } from '../ui.js';

/** The sign-in screen: paste a ServiceKey; it is checked with whoami before anything else is shown. */
export function signInView(onSignedIn) {
  // text masked by CSS, not type=password, and no name: browsers neither offer to save it nor put it in a form URL
  const key = h('input', {
    type: 'text', id: 'service-key', class: 'masked', required: true, autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'off', placeholder: 'kp_svc_…', 'data-1p-ignore': 'true', 'data-lpignore': 'true',
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in to Keyplane'),
    h('p', {}, 'Paste a ServiceKey of your workspace. It stays in this browser tab only and is forgotten when you sign out or close the tab.'),
    field('ServiceKey', key, 'A workspace\'s first ServiceKey comes with the workspace (bootstrap); others are created here.'),
    h('div', { id: 'problem', class: 'problem', role: 'alert', tabindex: '-1', hidden: true }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    showProblem(null);
    try {
      const session = await signIn(key.value);
      key.value = '';
      onSignedIn(session);
    } catch (e) {
      showProblem(e);
    } finally {
      submit.disabled = false;
    }
  });
  queueMicrotask(() => key.focus());
  return h('div', { class: 'sign-in-page' }, form);
}
