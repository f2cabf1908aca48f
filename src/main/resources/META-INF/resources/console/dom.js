// Small DOM helpers. Every value from the API goes in through textContent or an attribute, never as HTML.

/** h('button', {type: 'button', onclick: fn}, 'Save') builds an element; null and false children are skipped. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

let ids = 0;
/** A page-unique id for label/aria links. */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled form field: the label's for= names the control, so every field has an accessible name. */
export function field(label, control, hint) {
  if (!control.id) control.id = uid('field');
  const hintEl = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

export function select(name, options, selected) {
  return h('select', { name },
    options.map(([value, text]) => h('option', { value, selected: value === selected }, text)));
}

/** "2026-01-15 09:30 UTC", or the fallback for null. */
export function when(iso, fallback = 'Never') {
  if (!iso) return fallback;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function badge(status) {
  return h('span', { class: `badge badge-${status}` }, status);
}

export function scopeList(scopes) {
  if (!scopes || scopes.length === 0) return h('span', { class: 'muted' }, 'none');
  return h('ul', { class: 'scopes' }, scopes.map((s) => h('li', {}, h('code', {}, s))));
}

/** A definition list from [term, value] pairs. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
}
