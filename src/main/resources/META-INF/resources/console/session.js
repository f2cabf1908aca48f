// Sign-in, in one place. Today a pasted ServiceKey; human sign-in (OIDC) can grow here without touching the views.
// The credential lives in this tab only (sessionStorage): never in a URL, a cookie, localStorage or a log.
import { Api, ApiProblem } from './api.js';

const STORAGE = 'keyplane.console.credential';

/** Fired on window when the signed-in key stops working; detail is the API's problem. */
export const SIGNED_OUT = 'keyplane:signed-out';

export class Session {
  constructor(api, identity, workspace) {
    this.api = api;
    this.identity = identity;   // the whoami answer
    this.workspace = workspace; // {id, name, ...}
  }

  /** Whether the signed-in key's effective scopes grant `permission` (workspace:admin and `resource:*` included). */
  can(permission) {
    const scopes = this.identity.scopes || [];
    const [resource] = permission.split(':');
    return scopes.includes('workspace:admin') || scopes.includes(permission) || scopes.includes(`${resource}:*`);
  }

  ws(rest = '') {
    return `/api/v1/workspaces/${this.workspace.id}${rest}`;
  }
}

/** Checks the credential with whoami and keeps it for this tab. Throws ApiProblem when it cannot sign in. */
export async function signIn(credential) {
  const session = await open(credential.trim());
  sessionStorage.setItem(STORAGE, credential.trim());
  return session;
}

/**
 * The session of this tab, or null when signed out or the stored credential stopped working (401, 403). Throws the
 * problem otherwise (network, 429, 5xx): the credential is kept, since it may work again.
 */
export async function resume() {
  const stored = sessionStorage.getItem(STORAGE);
  if (!stored) return null;
  try {
    return await open(stored);
  } catch (e) {
    if (!(e instanceof ApiProblem) || (e.status !== 401 && e.status !== 403)) throw e; // may work again
    sessionStorage.removeItem(STORAGE);
    return null;
  }
}

export function signOut() {
  sessionStorage.removeItem(STORAGE);
}

async function open(credential) {
  if (!credential) {
    throw new ApiProblem({ title: 'Paste a ServiceKey', detail: 'The console signs in with a ServiceKey (kp_svc_…).' }, 0);
  }
  const api = new Api(credential, (problem) => {
    if (sessionStorage.getItem(STORAGE) !== credential) return; // an older session's call: not the current key
    signOut();
    window.dispatchEvent(new CustomEvent(SIGNED_OUT, { detail: problem }));
  });
  const identity = await api.get('/api/v1/whoami');
  if (identity.kind !== 'service') {
    throw new ApiProblem({
      title: 'A ServiceKey is needed',
      detail: identity.kind === 'operator'
        ? 'The operator token manages workspaces; sign in to a workspace with one of its ServiceKeys (kp_svc_…).'
        : `This is an ${identity.kind} key; the console signs in with a ServiceKey (kp_svc_…).`,
    }, 0);
  }
  const workspace = await api.get(`/api/v1/workspaces/${identity.workspace_id}`);
  return new Session(api, identity, workspace);
}
