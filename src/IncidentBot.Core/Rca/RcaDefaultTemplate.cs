namespace IncidentBot.Rca;

/// <summary>The built-in RCA template; the same text as docs/rca-template.md, which documents its fields.</summary>
internal static class RcaDefaultTemplate
{
    // Kept in code rather than read from docs/ so the bot works wherever it is deployed; a test guards the copy.
    public const string Text = """
    {{!--
      IncidentBot post-incident review (RCA) template.

      This is a Handlebars template (https://handlebarsjs.com/guide/) rendered without HTML escaping, so the
      output is plain Markdown. Copy it, reshape it, and point IncidentBot at your copy. This comment is not
      part of the output. Unknown fields and helpers are rejected with their line number when the template loads.

      Every time is a string already formatted; a missing one is "—". Clock times inside the incident are
      "HH:mm" when it all happened on one day and "yyyy-MM-dd HH:mm" when it spans days, in timeZone.

      title               the incident's title
      reference           "INC-42"
      number              42
      severity            "SEV1" … "SEV4"
      status              "triggered", "acknowledged", "mitigated", "resolved" or "closed"
      isDrill             true for drills
      drillLabel          "Drill" or "Real incident"
      services            list of service names (the incident's, then those its alerts name); use {{this}}
      summary             the resolution summary given when it was resolved, or null
      timeZone            "UTC" or the display zone's id, e.g. "Europe/Berlin"
      startedAt, acknowledgedAt, mitigatedAt, resolvedAt
                          "2026-11-26 03:12 UTC"
      timeToAcknowledge, timeToMitigate, timeToResolve
                          from the start, "4m 0s", "1h 3m"
      firstAlert          the alert that fired first, or null when the incident was declared by hand:
                            title, source, link (its first link's URL, or null), startsAt (clock time)
      alerts              list, first to fire first: title, source, status ("firing"/"resolved"),
                            firingAt, resolvedAt (clock times)
      roles               list, one per role assignment in order (a handover is a new row):
                            role ("Incident commander"), user, since (clock time), takingOverFrom (user or null)
      runbooks            list of runbook sessions: title, version, startedBy, startedAt (clock time),
                            steps: list of number (1-based), title, state ("pending", "current", "done",
                            "skipped"), by (or "—"), duration ("45s" or "—"), skipReason (or null),
                            notes ("user: note" joined with "; ", or "")
      timeline            list of every timeline entry in order: time (clock time), actor, kind
                            ("opened", "role-assigned", "status-update", …), text
      updates             list of status updates as posted: time (clock time), author, text
      actionItems         list: text, owner (the trailing @name without the @, or "unassigned")

      Free text bound for table cells (alert, step and role text, notes, timeline text) has "|" escaped and
      line breaks turned into <br>.
    --}}
    # {{reference}}: {{title}}

    _Post-incident review_

    {{#if isDrill}}
    > [!NOTE]
    > This was a drill: nobody outside the participants was paged.

    {{/if}}
    - **Severity:** {{severity}}
    - **Status:** {{status}}
    - **Kind:** {{drillLabel}}
    - **Services:** {{#each services}}{{this}}{{#unless @last}}, {{/unless}}{{else}}—{{/each}}

    | Milestone | When | Time from start |
    | --- | --- | --- |
    | Started | {{startedAt}} | — |
    | Acknowledged | {{acknowledgedAt}} | {{timeToAcknowledge}} |
    | Mitigated | {{mitigatedAt}} | {{timeToMitigate}} |
    | Resolved | {{resolvedAt}} | {{timeToResolve}} |

    ## Summary

    {{#if summary}}
    {{summary}}

    {{/if}}
    > _To fill:_ two or three sentences someone outside the team understands: what broke, for whom, and how it was fixed.

    ## Impact

    > _To fill:_ who was affected and how many; what they saw; for how long; data lost or at risk; SLOs and error budget spent.

    ## Detection

    {{#if firstAlert}}
    First signal: **{{firstAlert.title}}** from `{{firstAlert.source}}` at {{firstAlert.startsAt}}{{#if firstAlert.link}} ([link]({{firstAlert.link}})){{/if}}. Acknowledged after {{timeToAcknowledge}}.
    {{else}}
    No alert fired: the incident was declared by hand. Acknowledged after {{timeToAcknowledge}}.
    {{/if}}

    {{#if alerts}}
    | Alert | Source | Status | Firing | Resolved |
    | --- | --- | --- | --- | --- |
    {{#each alerts}}
    | {{title}} | {{source}} | {{status}} | {{firingAt}} | {{resolvedAt}} |
    {{/each}}

    {{/if}}
    > _To fill:_ did we hear it from our alerts before customers told us? What would have caught it sooner?

    ## Response

    ### Roles

    {{#if roles}}
    | Role | Who | Since |
    | --- | --- | --- |
    {{#each roles}}
    | {{role}} | {{user}}{{#if takingOverFrom}} (took over from {{takingOverFrom}}){{/if}} | {{since}} |
    {{/each}}
    {{else}}
    No roles were assigned.
    {{/if}}

    ### Runbooks

    {{#each runbooks}}
    **{{title}}**, started by {{startedBy}} at {{startedAt}}:

    | # | Step | Result | By | Took | Notes |
    | --- | --- | --- | --- | --- | --- |
    {{#each steps}}
    | {{number}} | {{title}} | {{state}} | {{by}} | {{duration}} | {{#if skipReason}}Skipped: {{skipReason}}{{#if notes}}; {{/if}}{{/if}}{{notes}} |
    {{/each}}

    {{else}}
    No runbook was followed.

    {{/each}}
    ## Timeline

    All times {{timeZone}}.

    | Time | Who | What | Details |
    | --- | --- | --- | --- |
    {{#each timeline}}
    | {{time}} | {{actor}} | {{kind}} | {{text}} |
    {{/each}}

    ## Status updates

    {{#each updates}}
    **{{time}} · {{author}}**

    > {{text}}

    {{else}}
    No status updates were posted.

    {{/each}}
    ## Root cause

    > _To fill:_ the underlying cause, not just the trigger; link the change, commit or config that carried it.

    ### Five whys

    > _To fill:_ start from what users saw and ask "why?" five times; each answer is the next question.

    1. Why? …
    2. Why? …
    3. Why? …
    4. Why? …
    5. Why? …

    ## What went well

    > _To fill:_ what helped: alerts, runbooks, tools, people, luck (name the luck).

    ## What went badly

    > _To fill:_ what slowed us down or made it worse; where we were confused, blocked or waiting.

    ## Lessons

    > _To fill:_ what we now know about our systems and how we respond that we did not know before.

    ## Action items

    {{#each actionItems}}
    - [ ] {{text}} — owner: {{owner}}
    {{else}}
    _No action items were recorded during the incident._
    {{/each}}

    > _To fill:_ add what this review decides, each with an owner and a ticket; tick them off as they land.

    """;
}
