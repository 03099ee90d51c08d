using IncidentBot.Rca;

namespace IncidentBot.Tests.Rca;

public class RcaGoldenTests
{
    [Fact]
    public void Default_template_renders_the_scripted_incident_exactly()
    {
        var markdown = new RcaGenerator().Generate(RcaScript.Input());

        Assert.Equal(Expected, markdown);
    }

    // The whole review, byte for byte: a change to the template or the view model shows up here as a diff to read.
    private const string Expected = """
        # INC-42: Checkout errors after deploy

        _Post-incident review_

        - **Severity:** SEV1
        - **Status:** resolved
        - **Kind:** Real incident
        - **Services:** checkout-api, payments

        | Milestone | When | Time from start |
        | --- | --- | --- |
        | Started | 2026-11-26 03:12 UTC | — |
        | Acknowledged | 2026-11-26 03:16 UTC | 4m 0s |
        | Mitigated | 2026-11-26 03:40 UTC | 28m 0s |
        | Resolved | 2026-11-26 04:05 UTC | 53m 0s |

        ## Summary

        Rolled back deploy 2026.11.25-3.

        > _To fill:_ two or three sentences someone outside the team understands: what broke, for whom, and how it was fixed.

        ## Impact

        > _To fill:_ who was affected and how many; what they saw; for how long; data lost or at risk; SLOs and error budget spent.

        ## Detection

        First signal: **HighErrorRate** from `alertmanager` at 03:11 ([link](https://grafana.example.com/d/checkout)). Acknowledged after 4m 0s.

        | Alert | Source | Status | Firing | Resolved |
        | --- | --- | --- | --- | --- |
        | HighErrorRate | alertmanager | resolved | 03:11 | 03:45 |
        | LatencyP99High | alertmanager | resolved | 03:14 | 03:50 |

        > _To fill:_ did we hear it from our alerts before customers told us? What would have caught it sooner?

        ## Response

        ### Roles

        | Role | Who | Since |
        | --- | --- | --- |
        | Incident commander | alice | 03:17 |
        | Communications lead | dave | 03:18 |
        | Communications lead | bob (took over from dave) | 03:19 |

        ### Runbooks

        **Checkout errors**, started by alice at 03:20:

        | # | Step | Result | By | Took | Notes |
        | --- | --- | --- | --- | --- | --- |
        | 1 | Check the last deploy | done | alice | 8m 30s | alice: 2026.11.25-3 went out at 03:05 \| 40 pods |
        | 2 | Scale out the pods | skipped | alice | 30s | Skipped: errors are not load-related |

        ## Timeline

        All times UTC.

        | Time | Who | What | Details |
        | --- | --- | --- | --- |
        | 03:12 | alertmanager | opened | Opened from HighErrorRate |
        | 03:14 | alertmanager | alert-firing | LatencyP99High is firing |
        | 03:16 | alice | acknowledged | Acknowledged by alice |
        | 03:17 | alice | role-assigned | Incident commander: alice |
        | 03:18 | alice | role-assigned | Communications lead: dave |
        | 03:19 | alice | role-assigned | Communications lead: bob (taking over from @dave) |
        | 03:20 | alice | runbook-started | Started Checkout errors v3 |
        | 03:21 | bob | status-update | We are investigating elevated checkout errors. Next update by 03:50. |
        | 03:28 | alice | step-done | Step 1: Check the last deploy |
        | 03:29 | alice | step-skipped | Step 2: Scale out the pods (errors are not load-related) |
        | 03:35 | alice | note | Rolling back 2026.11.25-3 |
        | 03:40 | alice | mitigated | Mitigated by alice |
        | 03:52 | bob | status-update | Checkout works again after a rollback; we are watching error rates. |
        | 04:01 | alice | action-item | Add a canary stage to checkout deploys @carol |
        | 04:03 | bob | action-item | Alert on checkout error rate per deploy |
        | 04:05 | alice | resolved | Resolved by alice |

        ## Status updates

        **03:21 · bob**

        > We are investigating elevated checkout errors. Next update by 03:50.

        **03:52 · bob**

        > Checkout works again after a rollback; we are watching error rates.

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

        - [ ] Add a canary stage to checkout deploys — owner: carol
        - [ ] Alert on checkout error rate per deploy — owner: unassigned

        > _To fill:_ add what this review decides, each with an owner and a ticket; tick them off as they land.

        """;
}
