// The Services page (#/services): every component of the service catalog with its owner and their people, who is on
// call now and next (with when the shift ends), its runbooks and open incidents; the catalog's problems first, each as
// `file:line: message`, as the Runbooks page shows broken runbooks. In an incident room, a card in the side panel
// names the service's owner and who is on call. Catalog text goes in with textContent, never as HTML.
"use strict";

window.servicesPage = (() => {
  function element(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  }

  function testId(e, id) { e.dataset.testid = id; return e; }

  // A shift end in the reader's own time zone, e.g. "Mon 7 Dec, 09:00".
  function when(iso) {
    const date = new Date(iso);
    return isNaN(date) ? "" : date.toLocaleString(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  function person(p) {
    const span = element("span", "oncall-person", p.name);
    if (p.email && p.email !== p.name) span.title = p.email;
    return span;
  }

  // "Priya Nair until Mon 7 Dec, 09:00 (rota)"; several people on one line.
  function onCallLine(people, id) {
    const dd = testId(element("dd"), id);
    if (!people.length) { dd.append(element("span", "muted", "nobody")); return dd; }
    people.forEach((p, i) => {
      if (i) dd.append(", ");
      dd.append(person(p));
      const notes = [p.shiftEnds ? `until ${when(p.shiftEnds)}` : null, p.level > 1 ? `level ${p.level}` : null, p.source].filter(Boolean).join(" · ");
      if (notes) dd.append(" ", element("span", "muted", notes));
    });
    return dd;
  }

  function row(dl, label, dd) { dl.append(element("dt", null, label), dd); }

  function ownerText(owner) {
    if (!owner) return element("span", "error", "no owner (spec.owner)");
    const span = element("span", owner.known ? null : "error", owner.known ? owner.name : `${owner.ref} (not in the catalog)`);
    return span;
  }

  function serviceCard(s) {
    const card = testId(element("div", "card service"), `service-${s.name}`);
    const head = element("div", "service-head");
    head.append(element("strong", null, s.name));
    if (s.title && s.title !== s.name) head.append(element("span", "title", s.title));
    if (s.system) head.append(element("span", "muted", `system ${s.system}`));
    if (s.lifecycle) head.append(element("span", "muted", s.lifecycle));
    card.append(head);
    if (s.description) card.append(element("div", "muted", s.description));

    const dl = element("dl");
    row(dl, "Owner", testId(element("dd"), "service-owner"));
    dl.lastChild.append(ownerText(s.owner));
    if (s.owner?.people?.length) {
      const people = testId(element("ul"), "service-people");
      s.owner.people.forEach(p => { const li = element("li", null, p.name); if (p.email) li.title = p.email; people.append(li); });
      row(dl, "People", element("dd"));
      dl.lastChild.append(people);
    }
    row(dl, "On call", onCallLine(s.onCall.now, "oncall-now"));
    if (s.onCall.next.length) row(dl, "Next", onCallLine(s.onCall.next, "oncall-next"));
    const asked = s.onCall.targets.length ? s.onCall.targets.join(", ") : "no on-call target (incidentbot.io/oncall)";
    row(dl, "Asked", testId(element("dd", "muted", `${asked}${s.onCall.answeredBy && !s.onCall.targets.includes(s.onCall.answeredBy) ? ` → ${s.onCall.answeredBy}` : ""}${s.onCall.fromCache ? " (remembered answer)" : ""}`), "oncall-asked"));
    if (s.onCall.failures.length) row(dl, "Failed", testId(element("dd", "error", s.onCall.failures.join("; ")), "oncall-failures"));

    const runbooks = element("dd");
    if (!s.runbooks.length) runbooks.append(element("span", "muted", "none"));
    s.runbooks.forEach((r, i) => {
      if (i) runbooks.append(", ");
      if (r.found) { const a = element("a", null, r.title || r.id); a.href = `#/runbooks/${encodeURIComponent(r.id)}`; runbooks.append(a); }
      else runbooks.append(element("span", "error", `${r.id} (no such runbook)`));
    });
    row(dl, "Runbooks", testId(runbooks, "service-runbooks"));

    const incidents = testId(element("dd"), "service-incidents");
    if (!s.openIncidents.length) incidents.append(element("span", "muted", "none open"));
    s.openIncidents.forEach((i, n) => {
      if (n) incidents.append(", ");
      const a = element("a", null, `INC-${i.number} ${i.title}`);
      a.href = `#/incidents/${i.number}`;
      incidents.append(a);
    });
    row(dl, "Incidents", incidents);
    card.append(dl);
    return card;
  }

  function errorsCard(errors) {
    const card = testId(element("div", "card catalog-errors"), "catalog-errors");
    card.append(element("strong", "error", `${errors.length} catalog problem(s)`));
    errors.forEach(e => card.append(element("div", "problem", `${e.file}:${e.line}: ${e.message}`)));
    return card;
  }

  async function render(view) {
    const list = await api("/api/services");
    const content = [element("h1", null, "Services")];
    if (list.errors.length) content.push(errorsCard(list.errors));
    const cards = testId(element("div", "services"), "services");
    list.services.forEach(s => cards.append(serviceCard(s)));
    if (!list.services.length) cards.append(element("div", "empty", "No services in the catalog yet. docs/catalog.md shows how to add yours."));
    content.push(cards);
    view.replaceChildren(...content);
  }

  // ---- the incident room's card: the service's owner and who is on call ------------------------------------------
  const roomCache = new Map(); // service → { at, answer }: live updates re-read the incident often; the owner changes rarely

  async function serviceOf(name) {
    const cached = roomCache.get(name);
    if (cached && Date.now() - cached.at < 60_000) return cached.answer;
    const response = await fetch(`/api/services/${encodeURIComponent(name)}`);
    const answer = response.ok ? await response.json() : null;
    roomCache.set(name, { at: Date.now(), answer });
    return answer;
  }

  window.addEventListener("incidentbot:incident", async event => {
    const incident = event.detail;
    if (!incident.service) return;
    const service = await serviceOf(incident.service).catch(() => null);
    const side = document.getElementById("side");
    if (!service || !side || !location.hash.startsWith(`#/incidents/${incident.number}`)) return;
    document.getElementById("room-service")?.remove();
    const card = testId(element("div", "card service"), "room-service");
    card.id = "room-service";
    const title = element("a", null, service.name);
    title.href = "#/services";
    card.append(title);
    const dl = element("dl");
    row(dl, "Owner", testId(element("dd"), "room-owner"));
    dl.lastChild.append(ownerText(service.owner));
    row(dl, "On call", onCallLine(service.onCall.now, "room-oncall"));
    card.append(dl);
    side.firstElementChild ? side.firstElementChild.after(card) : side.append(card);
  });

  return { render };
})();
