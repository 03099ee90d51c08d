// Messages that change (the incident's header card, a runbook's step card) carry an update key: a newer version
// replaces the one shown, where it is, as Slack's chat.update and Teams' activity update do. Versions are room
// message ids, so one that arrives late (another replica, a catch-up) never undoes a newer one.
"use strict";

// Applies a keyed message to the card already shown for its key; false when none is shown yet (append it then).
function replaceInPlace(stream, m) {
  const shown = stream.querySelector(`[data-update-key="${CSS.escape(m.updateKey)}"]`);
  if (!shown) return false;
  const version = m.version ?? m.id;
  if (Number(shown.dataset.version) < version) {
    shown.dataset.version = version;
    shown.querySelector(".body").innerHTML = m.html;
  }
  return true;
}
