// Browser state (gr.BrowserState): where the page keeps the server's tokens.
//
// The server signs (or encrypts) every BrowserState value into a token and
// sends it in a `browser_state` frame; the page stores it in localStorage under
// the storage key the page config lists, and hands every stored token back in
// its `hello`. The page holds no secret and never reads a value: it cannot
// forge a token, only keep one. The server verifies each token before using it.
//
// Without localStorage (disabled, a sandboxed frame, a full quota), tokens are
// kept in page memory: the values then last as long as the page, never longer,
// and nothing throws.

// Return window.localStorage if it can be used, else null (reading the property may throw).
export function openLocalStorage(win = globalThis) {
  try {
    const storage = win.localStorage;
    if (!storage) return null;
    const probe = "blocksstate:probe";
    storage.setItem(probe, probe);
    storage.removeItem(probe);
    return storage;
  } catch {
    return null;
  }
}

export class BrowserStorage {
  // `keys`: the storage keys of the app's BrowserStates (page config `browser_state`).
  // `storage`: a Storage (localStorage), or null to keep tokens in page memory only.
  constructor(keys, storage = openLocalStorage()) {
    this.keys = new Set(Array.isArray(keys) ? keys.filter((key) => typeof key === "string" && key) : []);
    this.storage = storage;
    // The tokens this page received; localStorage wins (another tab may have written a newer
    // one), except for keys whose last write to it failed.
    this.memory = new Map();
    this.unsaved = new Set();
  }

  get persistent() {
    return this.storage !== null;
  }

  read(key) {
    if (this.storage && !this.unsaved.has(key)) {
      try {
        const token = this.storage.getItem(key);
        if (token !== null) return token;
      } catch {
        // Storage turned unavailable: fall back to what this page wrote.
      }
    }
    return this.memory.get(key) ?? null;
  }

  // The tokens for hello: {storage key: token}, for each key that holds one.
  tokens() {
    const tokens = {};
    for (const key of this.keys) {
      const token = this.read(key);
      if (typeof token === "string" && token) tokens[key] = token;
    }
    return tokens;
  }

  // Keep the tokens of a `browser_state` frame. Keys the app did not declare are ignored,
  // so a frame can only ever write the app's own keys.
  store(tokens) {
    if (!tokens || typeof tokens !== "object") return;
    for (const [key, token] of Object.entries(tokens)) {
      if (!this.keys.has(key) || typeof token !== "string" || !token) continue;
      this.memory.set(key, token);
      this.write(key, token);
    }
  }

  write(key, token) {
    if (!this.storage) return;
    try {
      this.storage.setItem(key, token);
      this.unsaved.delete(key);
    } catch (error) {
      // Quota exceeded or storage revoked: the token stays in page memory.
      this.unsaved.add(key);
      console.warn(`blocksstate: could not keep ${key} in localStorage (${error?.name ?? error})`);
    }
  }
}
