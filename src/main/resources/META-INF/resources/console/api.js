// The public /api/v1 API, called with the signed-in credential. Problems (RFC 9457) become ApiProblem errors.

export class ApiProblem extends Error {
  constructor(problem, status) {
    super(problem.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem.title || `HTTP ${status}`;
    this.detail = problem.detail || '';
    this.code = problem.code || '';
    this.requestId = problem.request_id || '';
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.requiredScopes = Array.isArray(problem.required_scopes) ? problem.required_scopes : [];
  }
}

export class Api {
  #credential;
  #onUnauthorized;

  /** onUnauthorized(problem) runs when the credential stops working (revoked, expired, paused: any 401). */
  constructor(credential, onUnauthorized = () => {}) {
    this.#credential = credential;
    this.#onUnauthorized = onUnauthorized;
  }

  /**
   * Calls the API; answers {data, next} where next is the cursor of the following page (from the Link header),
   * or null. Throws ApiProblem for any error answer.
   */
  async call(method, path, { body, query, headers: extra } = {}) {
    const url = new URL(path, window.location.origin);
    for (const [name, value] of Object.entries(query || {})) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
    }
    const headers = { ...extra, Authorization: `Bearer ${this.#credential}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(url, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer',
      });
    } catch (e) {
      throw new ApiProblem({ title: 'Keyplane did not answer', detail: 'The network request failed; try again.' }, 0);
    }
    const data = await readJson(response);
    if (!response.ok) {
      const problem = new ApiProblem({ request_id: response.headers.get('X-Request-Id'), ...(data || {}) }, response.status);
      if (response.status === 401) this.#onUnauthorized(problem);
      throw problem;
    }
    return { data, next: nextCursor(response.headers.get('Link')) };
  }

  get(path, query) { return this.call('GET', path, { query }).then((r) => r.data); }

  /** Every page of a list, following the Link header (for pickers; at most 50 pages of 200). */
  async all(path, query = {}) {
    const items = [];
    let cursor = '';
    for (let pages = 0; pages < 50; pages += 1) {
      const page = await this.page(path, { ...query, limit: 200, cursor });
      items.push(...page.data);
      if (!page.next) break;
      cursor = page.next;
    }
    return items;
  }
  page(path, query) { return this.call('GET', path, { query }); }
  post(path, body, headers) { return this.call('POST', path, { body, headers }).then((r) => r.data); }
  patch(path, body) { return this.call('PATCH', path, { body }).then((r) => r.data); }
  delete(path) { return this.call('DELETE', path).then((r) => r.data ?? {}); } // 204: no body, still a success
}

async function readJson(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    return { title: `HTTP ${response.status}`, detail: 'The answer was not JSON.' };
  }
}

function nextCursor(link) {
  const match = link && /<([^>]+)>;\s*rel="next"/.exec(link);
  return match ? new URL(match[1], window.location.origin).searchParams.get('cursor') : null;
}
