// The pass cookie: a random value this browser keeps for a year. File URLs given to a
// page are bound to it (files/access.py), so a URL copied to another browser opens nothing.
// The page sets it itself, before its socket opens, when the browser has none yet.

const MAX_AGE = 365 * 24 * 3600;

function hasCookie(name) {
  return document.cookie.split(";").some((part) => part.trim().startsWith(`${name}=`));
}

// 32 random bytes in base64url: 43 characters.
function randomPass() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function ensurePassCookie(name) {
  if (hasCookie(name)) return;
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${name}=${randomPass()}; path=/; SameSite=Strict; max-age=${MAX_AGE}${secure}`;
}
