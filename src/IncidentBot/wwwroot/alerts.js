// The room's alert list: every alert of the incident (chat shows the first alert's words and summarises the rest),
// with its description, labels, annotations and links, firing first. A folded panel above the room's stream; it
// fetches /api/incidents/{n}/alerts when opened, and again when the incident's alert counts change while it is open.
// Alert text is put in with textContent, never as HTML; a link is made only of an address the server allows (isLink).
"use strict";

window.alertsPanel = (() => {
  let shown = { number: null, counts: null, panel: null };

  function element(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  }

  function linkOrText(link) {
    if (!link.isLink) return element("span", "alert-link-text", `${link.title}: ${link.url}`);
    const a = element("a", null, link.title);
    a.href = link.url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function pairs(map, className) {
    const dl = element("dl", className);
    Object.entries(map || {}).forEach(([name, value]) => {
      const row = element("div");
      row.append(element("dt", null, name), element("dd", null, value));
      dl.append(row);
    });
    return dl;
  }

  function alertItem(alert) {
    const li = element("li", `alert-item alert-${alert.status}`);
    li.dataset.testid = "alert-item";
    const head = element("div", "alert-head");
    head.append(element("span", `status status-${alert.status === "firing" ? "triggered" : "resolved"}`, alert.status), element("strong", null, alert.title));
    li.append(head);
    if (alert.description) li.append(element("div", "alert-description", alert.description));
    li.append(pairs(alert.labels, "alert-labels"));
    // What is shown already (title, description, links) is not repeated.
    const shownAlready = new Set([alert.title, alert.description, ...(alert.links || []).map(link => link.url)]);
    const annotations = Object.fromEntries(Object.entries(alert.annotations || {}).filter(([, value]) => !shownAlready.has(value?.trim?.() ?? value)));
    if (Object.keys(annotations).length) li.append(pairs(annotations, "alert-annotations"));
    if (alert.links?.length) {
      const links = element("div", "alert-links");
      alert.links.forEach(link => links.append(linkOrText(link)));
      li.append(links);
    }
    const since = element("div", "muted alert-times", `first seen ${new Date(alert.firstSeenAt).toISOString().replace("T", " ").slice(0, 19)} UTC${alert.resolvedAt ? ` · resolved ${new Date(alert.resolvedAt).toISOString().replace("T", " ").slice(0, 19)} UTC` : ""}`);
    li.append(since);
    return li;
  }

  async function load(number, panel) {
    const list = await api(`/api/incidents/${number}/alerts`);
    const body = panel.querySelector(".alerts-body");
    const items = element("ul", "alert-list");
    list.alerts.forEach(alert => items.append(alertItem(alert)));
    const more = list.total > list.alerts.length ? element("p", "muted", `The first ${list.alerts.length} of ${list.total} are shown.`) : null;
    body.replaceChildren(...[items, more].filter(Boolean));
  }

  // Called by the room whenever it has (re)read the incident.
  function refresh(incident) {
    const stream = document.getElementById("stream");
    if (!stream || !incident.alertCount) return;
    let panel = document.getElementById("alerts-panel");
    if (!panel || shown.number !== incident.number) {
      panel = element("details", "card alerts-panel");
      panel.id = "alerts-panel";
      panel.dataset.testid = "alerts-panel";
      panel.append(element("summary"), element("div", "alerts-body", "Loading…"));
      panel.addEventListener("toggle", () => { if (panel.open) load(shown.number, panel).catch(error => panel.querySelector(".alerts-body").textContent = error.message); });
      stream.parentElement.insertBefore(panel, stream);
      shown = { number: incident.number, counts: null, panel };
    }
    const counts = `${incident.firingAlertCount}/${incident.alertCount}`;
    panel.querySelector("summary").textContent = `Alerts: ${incident.firingAlertCount} firing of ${incident.alertCount}`;
    if (panel.open && shown.counts !== counts) load(incident.number, panel).catch(() => {});
    shown.counts = counts;
  }

  return { refresh };
})();
