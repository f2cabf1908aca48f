// Form pieces shared by the create and edit screens.
import { h, uid } from '../dom.js';
import { ApiProblem } from '../api.js';

/**
 * A fieldset of checkboxes, one per catalog scope and per grant already held that the catalog does not list (a
 * wildcard such as database:*), so saving never drops a grant unseen; value() answers the checked names.
 */
export function scopePicker(catalog, checked, legend, hint) {
  const listed = new Set(catalog.map((scope) => scope.name));
  const options = [...catalog, ...checked.filter((name) => !listed.has(name)).map((name) => ({ name, description: 'grant held' }))];
  const boxes = options.map((scope) => {
    const id = uid('scope');
    const box = h('input', { type: 'checkbox', id, name: 'scopes', value: scope.name, checked: checked.includes(scope.name) });
    return [box, h('div', { class: 'check' }, box,
      h('label', { for: id }, h('code', {}, scope.name), scope.description ? h('span', { class: 'muted' }, ` ${scope.description}`) : null))];
  });
  const hintId = uid('hint');
  const node = h('fieldset', { class: 'scope-picker', 'aria-describedby': hint ? hintId : null },
    h('legend', {}, legend), hint ? h('p', { class: 'hint', id: hintId }, hint) : null, boxes.map(([, row]) => row));
  return { node, value: () => boxes.filter(([box]) => box.checked).map(([box]) => box.value) };
}

/** Parses a JSON object typed by the user, or throws a problem that names the field. */
export function jsonObject(text, fieldName) {
  if (!text.trim()) return {};
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw invalid(fieldName, 'is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(fieldName, 'must be a JSON object');
  return value;
}

/** Whether two scope lists grant the same names, in any order. */
export function sameScopes(a, b) {
  return a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');
}

export function lines(text) {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

function invalid(fieldName, message) {
  return new ApiProblem({ title: 'Check the form', detail: `${fieldName} ${message}.`, errors: [{ field: fieldName, message }] }, 0);
}
