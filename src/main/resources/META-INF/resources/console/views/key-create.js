import { h, field, select } from '../dom.js';
import { attempt, showSecretOnce } from '../ui.js';
import { scopePicker, jsonObject, lines } from './forms.js';

const EXPIRY = [['never', 'Never expires'], ['30', '30 days'], ['90', '90 days'], ['365', '1 year'], ['custom', 'Custom date']];
const LIMITS = [['', 'Unlimited'], ['free', 'Free: 100 per minute'], ['starter', 'Starter: 500 per minute'],
  ['pro', 'Pro: 2000 per minute'], ['enterprise', 'Enterprise: unlimited'], ['custom', 'Custom limit']];

/** Create New Key: name, kind, account, scopes from the catalog, expiry, rate limit; the key is shown once. */
export async function createKeyView({ session, navigate }) {
  const [catalog, accounts] = await Promise.all([
    session.api.get(session.ws('/scopes')),
    session.can('service_accounts:read') ? session.api.all(session.ws('/service-accounts')) : Promise.resolve(null),
  ]);
  const name = h('input', { name: 'name', required: true, maxlength: 200, autocomplete: 'off' });
  const kind = select('kind', [['api', 'api: for your applications\' gateways'], ['service', 'service: a ServiceKey for this API'],
    ['ingest', 'ingest: write-only, revealable']], 'api');
  const own = session.identity.service_account_id;
  const account = select('service_account_id', accounts
    ? accounts.filter((a) => a.status === 'active').map((a) => [a.id, a.id === own ? `${a.name} (yours)` : a.name])
    : [[own, 'Your own service account']], own);
  const scopes = scopePicker(catalog, [], 'Permissions',
    'Leave all unchecked to give the key every scope of its service account. A key can never exceed its account.');
  const expiry = select('expiry', EXPIRY, 'never');
  const expiryDate = h('input', { type: 'date', name: 'expires_on' });
  const expiryDateField = field('Expires on (UTC)', expiryDate);
  expiryDateField.hidden = true;
  expiry.addEventListener('change', () => {
    expiryDateField.hidden = expiry.value !== 'custom';
    expiryDate.required = expiry.value === 'custom';
  });
  const tier = select('tier', LIMITS, '');
  const limit = h('input', { type: 'number', name: 'limit', min: 1, max: 1000000000, value: 100 });
  const windowSeconds = h('input', { type: 'number', name: 'window_seconds', min: 1, max: 86400, value: 60 });
  const customLimit = h('div', { class: 'inline-fields' }, field('Requests', limit), field('per seconds', windowSeconds));
  customLimit.hidden = true;
  tier.addEventListener('change', () => { customLimit.hidden = tier.value !== 'custom'; });
  const cidrs = h('textarea', { name: 'allowed_cidrs', rows: 2, spellcheck: 'false' });
  const meta = h('textarea', { name: 'meta', rows: 3, spellcheck: 'false', placeholder: '{"team": "payments"}' });

  const form = h('form', { class: 'card', 'aria-labelledby': 'create-title' },
    field('Name', name, 'What uses it: "Mobile App", "Data Pipeline".'),
    field('Kind', kind),
    field('Service account', account),
    scopes.node,
    field('Expiration', expiry), expiryDateField,
    field('Rate limit', tier), customLimit,
    field('Allowed addresses', cidrs, 'IP addresses or CIDR blocks, one per line; empty means anywhere.'),
    field('Metadata (JSON object)', meta),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'create-submit' }, 'Create key'),
      h('a', { href: '#/keys', class: 'button' }, 'Cancel')));

  // one Idempotency-Key per form: a double click or a retry after a lost answer returns the same key, not a second
  const idempotencyKey = randomId();
  const submit = form.querySelector('button[type=submit]');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    const created = await attempt(() => session.api.post(session.ws('/api-keys'), body(), { 'Idempotency-Key': idempotencyKey }));
    submit.disabled = false;
    if (!created) return;
    const secret = created.key;
    delete created.key;
    await showSecretOnce(`Key "${created.name}" created`, secret);
    navigate(`/keys/${created.id}`);
  });

  function body() {
    const request = { name: name.value, kind: kind.value, service_account_id: account.value };
    const picked = scopes.value();
    if (picked.length) request.scopes = picked;
    if (expiry.value === 'custom') {
      request.expires_at = expiryDate.value ? `${expiryDate.value}T23:59:59Z` : undefined;
    } else if (expiry.value !== 'never') {
      request.expires_in_days = Number(expiry.value);
    }
    if (tier.value === 'custom') {
      request.rate_limit = { limit: Number(limit.value), window_seconds: Number(windowSeconds.value) };
    } else if (tier.value) {
      request.tier = tier.value;
    }
    const addresses = lines(cidrs.value);
    if (addresses.length) request.allowed_cidrs = addresses;
    const metadata = jsonObject(meta.value, 'meta');
    if (Object.keys(metadata).length) request.meta = metadata;
    return request;
  }

  return h('section', {},
    h('p', {}, h('a', { href: '#/keys' }, '← API Keys')),
    h('h1', { id: 'create-title' }, 'Create new key'),
    form);
}

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
