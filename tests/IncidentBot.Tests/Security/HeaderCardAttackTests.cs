using IncidentBot.Chat;
using IncidentBot.Incidents;
using IncidentBot.Roles;
using IncidentBot.Runbooks.Sessions;
using IncidentBot.Slack.Messages;
using IncidentBot.Teams.Messages;
using IncidentBot.WebConsole;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Security;

/// <summary>
/// What people and runbooks put on the header card (role holders, runbook titles, the title) and in a runbook
/// move's line (a skip reason, a checklist item) reaches Slack, Teams and the console as text, cut to a size.
/// </summary>
public sealed class HeaderCardAttackTests
{
    private static readonly RoleCatalog Roles = new(Options.Create(new RoleOptions()));

    public static TheoryData<string> Attacks()
    {
        var data = new TheoryData<string>();
        foreach (var attack in AttackCorpus.Everything())
        {
            data.Add(attack);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public void TheHeaderCardAndARunbookLineCarryOutsideTextAsTextOnEveryPlatform(string attack)
    {
        var incident = Incident(attack);
        var card = IncidentMessages.Summary(incident, Roles);
        var line = RunbookMessages.Moved(incident, incident.RunbookSessions[0], $"**@alice** skipped step 2: {attack} ({attack}).");

        foreach (var message in new[] { card, line })
        {
            Assert.DoesNotContain("<", BlockKitRenderer.FallbackText(message));
            Assert.All(MessageAttackTests.Strings(BlockKitRenderer.Blocks(message), "text"), t => Assert.DoesNotContain("<", t));
            var body = AdaptiveCardMessageRenderer.Activity(message)["attachments"]![0]!["content"]!["body"]!;
            foreach (var text in new[] { "text", "title", "value" }.SelectMany(p => MessageAttackTests.Strings(body, p)))
            {
                RendererAttackTests.AssertNoCardMarkup(text);
            }
            var html = WebMessageRenderer.Render(message);
            RendererAttackTests.AssertSafeHtml(System.Text.RegularExpressions.Regex.Replace(html, "</?(div|span|dl|dt|dd|ul|li|button)( [^<>]*)?>", ""));
            Assert.DoesNotContain("<a ", html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void LongRolesAndRunbookProgressAreCutToAFieldsSize()
    {
        var incident = Incident(new string('x', 5_000));

        var fields = IncidentMessages.Summary(incident, Roles).Blocks.OfType<FieldsBlock>().Single().Fields;

        Assert.All(fields.Where(f => f.Label is "Roles" or "Runbook"), f => Assert.InRange(f.Value.Length, 1, 300));
    }

    private static Incident Incident(string attack)
    {
        var incident = new Incident { Number = 1, Title = attack, Service = attack, CreatedAt = DateTimeOffset.UnixEpoch };
        incident.Roles[RoleCatalog.Commander] = attack;
        incident.Roles["comms"] = attack;
        incident.Roles["scribe"] = attack;
        incident.RunbookSessions.Add(new RunbookSession
        {
            RunbookId = "r",
            Title = attack,
            Steps = [new RunbookStepRecord { Title = attack, State = StepState.Current }, new RunbookStepRecord { Title = "two" }],
        });
        return incident;
    }
}
