// Whether the feed plays with sound: it starts muted (browsers allow only muted autoplay), and once the
// person turns the sound on it stays on, for the next videos and the next visit, until they mute again.
// Pure: the caller passes the storage (localStorage in the page, a stand-in in the unit test).

export const SOUND_KEY = "joyreel:sound";

export function soundWanted(storage) {
  try {
    return Boolean(storage) && storage.getItem(SOUND_KEY) === "on";
  } catch {
    return false; // storage refused (private mode): muted, as a first visit
  }
}

export function rememberSound(storage, on) {
  try {
    if (storage) storage.setItem(SOUND_KEY, on ? "on" : "off");
  } catch { /* full or refused: the choice lasts this page only */ }
}
