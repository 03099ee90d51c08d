// The incident's timeline in the web console: every entry (alerts attached and resolved, acknowledgements, roles,
// updates, notes, severity changes, runbook steps, missed updates …) with who and when, newest first. app.js fetches
// the incident (on opening the room and on every live update) and announces it with an "incidentbot:incident"
// event; this file only draws. Everything from people and alerts is set as text (textContent), never as HTML.
"use strict";

(() => {
  const labels = {
    "opened": "Opened", "declared": "Declared", "alert-firing": "Alert firing", "alert-resolved": "Alert resolved",
    "all-alerts-resolved": "All alerts resolved", "acknowledged": "Acknowledged", "mitigated": "Mitigated",
    "resolved": "Resolved", "role-assigned": "Role", "note": "Note", "status-update": "Update",
    "severity-changed": "Severity", "severity-unmapped": "Severity not mapped", "channel-opened": "Channel",
    "chat-failure": "Chat failure", "runbook-started": "Runbook started", "step-done": "Step done",
    "step-skipped": "Step skipped", "step-back": "Step back", "checklist": "Checklist",
    "runbook-finished": "Runbook finished", "missed-update": "Update missed", "action-item": "Action item",
    "closed": "Closed",
  };

  const element = (tag, className, text) => {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  };

  // 14:03:12 today, or Dec 5, 14:03:12 on another day; the full UTC time is the tooltip.
  function when(iso) {
    const at = new Date(iso);
    const sameDay = at.toDateString() === new Date().toDateString();
    const text = sameDay
      ? at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })
      : at.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    const time = element("time", "at", text);
    time.dateTime = iso;
    time.title = at.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
    return time;
  }

  function section(room) {
    let timeline = document.getElementById("timeline");
    if (timeline && timeline.isConnected && room.contains(timeline)) return timeline;
    timeline = element("section", "timeline card");
    timeline.id = "timeline";
    timeline.dataset.testid = "timeline";
    timeline.setAttribute("aria-label", "Timeline");
    const heading = element("h2", null, "Timeline");
    const count = element("span", "muted timeline-count");
    heading.append(" ", count);
    timeline.append(heading, element("ol", "timeline-entries"));
    room.append(timeline);
    return timeline;
  }

  function entry(e) {
    const item = element("li", `timeline-entry kind-${e.kind}`);
    item.dataset.kind = e.kind;
    item.dataset.testid = "timeline-entry";
    item.append(when(e.at), element("span", "actor", `@${e.actor}`), element("span", "kind", labels[e.kind] || e.kind), element("span", "text", e.text));
    return item;
  }

  function render(incident) {
    const room = document.querySelector("#view .room");
    if (!room || !Array.isArray(incident?.timeline)) return;
    const timeline = section(room);
    timeline.dataset.incident = incident.number;
    const entries = [...incident.timeline].reverse();
    timeline.querySelector(".timeline-count").textContent = `(${entries.length})`;
    timeline.querySelector(".timeline-entries").replaceChildren(...entries.map(entry));
  }

  window.addEventListener("incidentbot:incident", event => render(event.detail));
})();
