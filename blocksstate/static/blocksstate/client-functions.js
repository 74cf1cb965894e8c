// An app's client-side functions (`js=` of a listener, `Blocks(js=...)`). The app's inline
// script (rendering/scripts.py, under the page's CSP nonce) registers them as code in
// window.blocksstate.js[app]; nothing here evaluates text.

// The function registered for `key` (a listener's id, or "load") of app `app`, or null.
export function clientFunction(app, key) {
  const fn = window.blocksstate?.js?.[app]?.[key];
  return typeof fn === "function" ? fn : null;
}

// Call `fn` with `values`; return what it gave as one value per target (of `count`). A single
// target gets the return value itself; several get an array's items. `undefined` leaves a target.
export async function callClientFunction(fn, values, count) {
  await null; // a function that throws at once still ends the event in its turn
  const result = await fn(...values);
  if (count === 1) return [result];
  return Array.isArray(result) ? result : [result];
}
