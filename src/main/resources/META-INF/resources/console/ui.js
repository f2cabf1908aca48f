// Shared pieces of the screens: the problem banner, permission-guarded buttons, dialogs.
import { h, uid, clear } from './dom.js';
import { ApiProblem } from './api.js';

/** Shows an API problem as a readable message (title, detail, field errors, request id), never as raw JSON. */
export function showProblem(error) {
  const region = document.getElementById('problem');
  if (!region) return;
  clear(region);
  if (!error) {
    region.hidden = true;
    return;
  }
  const problem = error instanceof ApiProblem ? error : new ApiProblem({ title: 'Something went wrong', detail: String(error.message || error) }, 0);
  region.append(...[
    h('p', { class: 'problem-title' }, problem.title),
    problem.detail ? h('p', { class: 'problem-detail' }, problem.detail) : null,
    problem.errors.length ? h('ul', { class: 'problem-errors' },
      problem.errors.map((e) => h('li', {}, h('code', {}, e.field || 'body'), ': ', e.message))) : null,
    problem.requiredScopes.length ? h('p', {}, 'Missing permissions: ',
      problem.requiredScopes.map((scope, i) => [i ? ', ' : '', h('code', {}, scope)])) : null,
    problem.requestId ? h('p', { class: 'problem-request' }, 'Request id: ', h('code', { class: 'request-id' }, problem.requestId)) : null,
    h('button', { type: 'button', class: 'link', onclick: () => showProblem(null) }, 'Dismiss'),
  ].filter(Boolean));
  region.hidden = false;
  region.focus();
}

let pendingNotice = null;

/** A success message for the screen about to be shown (actions re-render their screen). */
export function showNotice(text) {
  pendingNotice = text;
}

/** The notice waiting to be shown, once. */
export function takeNotice() {
  const text = pendingNotice;
  pendingNotice = null;
  return text;
}

/** Runs an action, showing its problem if it fails; answers its result or undefined. */
export async function attempt(action) {
  showProblem(null);
  try {
    return await action();
  } catch (e) {
    showProblem(e);
    return undefined;
  }
}

/**
 * A button that needs `permission`: when the signed-in key lacks it, aria-disabled (it stays in the tab order, so
 * keyboard and screen-reader users reach it) with the reason beside it and as its description; it does nothing.
 */
export function guardedButton(session, permission, label, onclick, attrs = {}) {
  const allowed = session.can(permission);
  const reasonId = allowed ? null : uid('reason');
  const button = h('button', {
    type: 'button', ...attrs, onclick: allowed ? onclick : null, 'aria-disabled': allowed ? null : 'true',
    'aria-describedby': reasonId, title: allowed ? null : `Needs the ${permission} permission`,
  }, label);
  if (allowed) return button;
  return h('span', { class: 'guarded' }, button,
    h('span', { class: 'reason', id: reasonId }, `Needs ${permission}`));
}

/**
 * A modal dialog; resolves with the value passed to close(value), or null when cancelled (Escape included, unless
 * `mustAcknowledge`: then only its own buttons close it).
 */
export function modal(title, build, { mustAcknowledge = false } = {}) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const dialog = h('dialog', { 'aria-labelledby': titleId });
    let result = null;
    const close = (value) => {
      result = value;
      dialog.close();
    };
    dialog.append(h('h2', { id: titleId }, title), ...[build(close)].flat(Infinity).filter(Boolean));
    if (mustAcknowledge) dialog.addEventListener('cancel', (event) => event.preventDefault());
    dialog.addEventListener('close', () => {
      dialog.remove(); // nothing shown in it stays in the page
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Asks to confirm a destructive action; the confirm button repeats what it does, naming the object. */
export function confirmAction(title, message, confirmLabel) {
  return modal(title, (close) => [
    h('p', {}, message),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'danger', onclick: () => close(true) }, confirmLabel),
      h('button', { type: 'button', autofocus: true, onclick: () => close(false) }, 'Cancel')),
  ]).then((ok) => ok === true);
}

const SHOWN_ONCE = 'Copy it now and store it in a secret manager; Keyplane keeps only a hash of it.';

/**
 * Shows a secret with a copy button. By default the warning says it will not be shown again (create, rotate); Escape
 * does not close it, so a key is never lost by a stray key press. When the dialog closes it is removed from the page,
 * so the value is gone from the DOM.
 */
export function showSecretOnce(title, secret, note, warning = ['You will not see this key again. ', SHOWN_ONCE]) {
  return modal(title, (close) => {
    const valueId = uid('secret');
    const status = h('p', { class: 'copy-status', role: 'status' });
    const input = h('input', { id: valueId, class: 'secret', readonly: true, value: secret, spellcheck: 'false', autocomplete: 'off' });
    const copy = async () => {
      let copied = false;
      try {
        await navigator.clipboard.writeText(input.value);
        copied = true;
      } catch (e) {
        input.select();
        copied = document.execCommand('copy');
      }
      status.textContent = copied ? 'Copied to the clipboard.' : 'Could not copy: select the key and copy it by hand.';
    };
    return [
      h('p', { class: 'warning' }, h('strong', {}, warning[0]), warning[1]),
      note ? h('p', {}, note) : null,
      h('div', { class: 'field' }, h('label', { for: valueId }, 'Key'), input),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', onclick: copy }, 'Copy key'),
        h('button', { type: 'button', onclick: () => close(true) }, 'I have stored it')),
      status,
    ];
  }, { mustAcknowledge: true });
}
