// Account settings: the data saver switch for this device (feed/data-saver.js). The panel is shown only
// where this runs, since the choice lives in the browser, not the account.
import { dataSaverContext, dataSaverWanted, rememberDataSaver } from "./feed/data-saver.js";
import { gettext } from "./i18n.js";

const panel = document.querySelector("[data-data-saver-setting]");
const toggle = panel && panel.querySelector("[data-data-saver-toggle]");
const status = panel && panel.querySelector("[data-data-saver-status]");

if (panel && toggle && status) {
  const { storage, connection } = dataSaverContext();
  toggle.checked = dataSaverWanted(storage, connection);
  panel.hidden = false;
  toggle.addEventListener("change", function () {
    if (!rememberDataSaver(storage, toggle.checked)) {
      status.textContent = gettext("This browser does not let the site remember it, so it cannot be kept.");
      return;
    }
    status.textContent = toggle.checked
      ? gettext("Data saver is on for this device.")
      : gettext("Data saver is off for this device.");
  });
}
