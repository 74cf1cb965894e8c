// The page's WebSocket: hello (or resume) on every connect, and reconnection
// with exponential backoff and jitter after an unexpected drop.
//
// Liveness: Chromium notices a silently dead TCP connection only when it writes,
// so the page pings (docs/protocol.md). A ping goes PING_EVERY after the last
// pong, and PROBE_AFTER after an event that got no answer yet; no frame within
// PONG_TIMEOUT of a ping, or no open socket within CONNECT_TIMEOUT, and the
// socket is given up for a new one, which resumes the session. Each timer is
// armed from a socket event, not from another timer, so that a hidden tab's
// timers are not throttled to one a minute.
//
// The resume token is kept in this object only, never in localStorage,
// sessionStorage or a cookie: a refresh starts a new session, a dropped
// connection resumes the same one.

export const PROTOCOL = 1;
const FIRST_DELAY = 300;
const MAX_DELAY = 10000;
// Characters read between two "received" frames: the server closes a socket whose page has
// not acknowledged MAX_UNACKED_CHARS (16 million by default), far beyond this.
export const RECEIVED_EVERY = 256 * 1024;
export const PING_EVERY = 5000;
export const PONG_TIMEOUT = 5000;
export const PROBE_AFTER = 1000;
export const CONNECT_TIMEOUT = 10000;

// Milliseconds to wait before reconnect attempt `attempt` (0, 1, 2...):
// doubling up to ten seconds, and between half and all of that at random so
// that many pages dropped together do not come back together.
export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(MAX_DELAY, FIRST_DELAY * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

// Close codes after which trying again cannot help (unknown app, refused origin,
// the session continued on another connection).
const isFatal = (code) => code >= 4400 && code < 4500;

export class Socket {
  // `url`: the ws:// or wss:// address. Callbacks:
  //   values()        current values of the editable components, for hello;
  //   browser()       stored BrowserState tokens {storage key: token}, for hello;
  //   language        the page's language (its config's), for hello;
  //   frame(frame)    every frame the server sends;
  //   state(state)    "connecting" | "open" | "reconnecting" | "closed";
  //   fatal(code)     the server refused the connection for good.
  constructor(url, callbacks) {
    this.url = url;
    this.callbacks = callbacks;
    this.socket = null;
    this.sessionId = null;
    this.resumeToken = null;
    this.state = "connecting";
    this.attempt = 0;
    this.stopped = false;
    this.retryTimer = null;
    // Whether this socket's own session frame came (its pings then prove the new token).
    this.joined = false;
    this.timers = { connect: null, ping: null, pong: null, probe: null };
  }

  setTimer(name, delay, fn) {
    clearTimeout(this.timers[name]);
    this.timers[name] = setTimeout(() => {
      this.timers[name] = null;
      fn();
    }, delay);
  }

  clearTimer(name) {
    clearTimeout(this.timers[name]);
    this.timers[name] = null;
  }

  ping() {
    this.clearTimer("ping");
    this.clearTimer("probe");
    if (!this.send({ type: "ping", session: this.joined ? this.sessionId : null })) return;
    const socket = this.socket;
    if (!this.timers.pong) this.setTimer("pong", PONG_TIMEOUT, () => this.giveUp(socket));
  }

  // An event was sent: if no answer comes soon, check the socket rather than wait for the next ping.
  expectAnswer() {
    if (!this.timers.pong && !this.timers.probe) this.setTimer("probe", PROBE_AFTER, () => this.ping());
  }

  // The socket is silent (half-open, black-holed): stop waiting for it and resume on a new one.
  giveUp(socket) {
    if (socket !== this.socket) return;
    socket.close(4000, "no answer");
    this.lost();
  }

  lost() {
    this.socket = null;
    for (const name of Object.keys(this.timers)) this.clearTimer(name);
    this.setState("reconnecting");
    this.retryTimer = setTimeout(() => this.connect(), backoffDelay(this.attempt));
    this.attempt += 1;
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.callbacks.state?.(state);
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.stopped) return;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    // Characters of text frames read on this socket, and how many of them the server was told.
    let read = 0;
    let told = 0;
    this.joined = false;
    this.setTimer("connect", CONNECT_TIMEOUT, () => this.giveUp(socket));
    socket.addEventListener("open", () => {
      if (socket !== this.socket) return;
      this.clearTimer("connect");
      const hello = { type: "hello", protocol: PROTOCOL, resume: this.resumeToken, values: this.callbacks.values() };
      // Sent on every connect: a resume the server refuses starts a new session, which needs them.
      const browser = this.callbacks.browser?.();
      if (browser && Object.keys(browser).length) hello.browser = browser;
      // The language the page shows: the server's messages to it are in that language too.
      if (this.callbacks.language) hello.language = this.callbacks.language;
      this.send(hello);
      this.ping(); // also answered while a resume waits for the session's lock
    });
    socket.addEventListener("message", (event) => {
      if (socket !== this.socket || typeof event.data !== "string") return;
      read += event.data.length;
      if (read - told >= RECEIVED_EVERY && this.send({ type: "received", chars: read })) told = read;
      this.clearTimer("pong");
      this.clearTimer("probe");
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      // One frame, or the frames of one moment in an array, in order (docs/protocol.md).
      for (const frame of Array.isArray(message) ? message : [message]) {
        if (socket !== this.socket) return; // a frame before this one closed it
        this.handleFrame(frame);
      }
    });
    socket.addEventListener("close", (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      if (!this.stopped && isFatal(event.code)) {
        this.stop();
        this.callbacks.fatal?.(event.code);
        return;
      }
      if (this.stopped) {
        this.setState("closed");
        return;
      }
      this.lost();
    });
  }

  // One frame from the server: the socket's own (pong, session, closed), then the page's.
  handleFrame(frame) {
    if (frame.type === "pong") {
      this.setTimer("ping", PING_EVERY, () => this.ping());
      return;
    }
    if (frame.type === "session") {
      this.sessionId = frame.session;
      this.resumeToken = frame.resume;
      this.joined = true;
      this.attempt = 0;
      this.setState("open");
      this.ping(); // at once: proves the page holds the new token, which voids the old one
    }
    this.callbacks.frame(frame);
    if (frame.type === "closed") this.stop();
  }

  get isOpen() {
    return this.state === "open" && this.socket?.readyState === WebSocket.OPEN;
  }

  // Send a frame now; false when the socket is not open.
  send(frame) {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  // Try again now rather than at the end of the backoff (e.g. back online).
  retryNow() {
    if (this.state === "reconnecting" && !this.socket) this.connect();
  }

  // Close the socket as if the network had dropped: the page reconnects and resumes.
  drop() {
    this.socket?.close(4000, "dropped");
  }

  // Close for good: no reconnection.
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    for (const name of Object.keys(this.timers)) this.clearTimer(name);
    const socket = this.socket;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
    if (!socket || socket.readyState >= WebSocket.CLOSING) {
      this.socket = null;
      this.setState("closed");
    }
  }
}
