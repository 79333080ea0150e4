// Data saver: on this device, videos play on the ladder's lowest rung and fetch less ahead. Chosen in
// account settings (per device, like the sound: it is about this device's connection); unchosen, it
// follows the browser's own data saver (`navigator.connection.saveData`, the Save-Data header's source).
// Pure: the caller passes the storage and the connection (the page's, or stand-ins in the unit test).

import { deviceStorage } from "./util.js";

export const DATA_SAVER_KEY = "joyreel:data-saver";

export function dataSaverWanted(storage, connection) {
  try {
    const chosen = storage ? storage.getItem(DATA_SAVER_KEY) : null;
    if (chosen === "on" || chosen === "off") return chosen === "on";
  } catch {
    /* storage refused (private mode): the browser's setting decides */
  }
  return Boolean(connection && connection.saveData);
}

export function rememberDataSaver(storage, on) {
  try {
    if (storage) storage.setItem(DATA_SAVER_KEY, on ? "on" : "off");
    return true;
  } catch {
    return false; // full or refused: nothing to remember it in
  }
}

// This page's storage and connection, or null where there is none.
export function dataSaverContext() {
  const connection = (globalThis.navigator && globalThis.navigator.connection) || null;
  return { storage: deviceStorage(), connection };
}
