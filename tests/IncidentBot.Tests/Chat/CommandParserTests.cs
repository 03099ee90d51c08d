using IncidentBot.Chat.Commands;
using IncidentBot.Incidents;

namespace IncidentBot.Tests.Chat;

public sealed class CommandParserTests
{
    [Theory]
    [InlineData("ack", typeof(AcknowledgeCommand))]
    [InlineData("  ACK  ", typeof(AcknowledgeCommand))]
    [InlineData("/incident ack", typeof(AcknowledgeCommand))]
    [InlineData("incident acknowledge", typeof(AcknowledgeCommand))]
    [InlineData("roles", typeof(ListRolesCommand))]
    [InlineData("status", typeof(ShowStatusCommand))]
    [InlineData("help", typeof(HelpCommand))]
    [InlineData("", typeof(HelpCommand))]
    [InlineData("/incident", typeof(HelpCommand))]
    [InlineData("resolve", typeof(ResolveCommand))]
    [InlineData("mitigate", typeof(MitigateCommand))]
    public void CommandsAreRecognised(string text, Type expected)
    {
        var result = CommandParser.Parse(text);
        Assert.IsType(expected, result.Command);
    }

    [Theory]
    [InlineData("declare Checkout is down sev1", "Checkout is down", Severity.Sev1)]
    [InlineData("declare Checkout is down SEV2", "Checkout is down", Severity.Sev2)]
    [InlineData("declare Checkout is down", "Checkout is down", null)]
    [InlineData("declare Severe latency in sevilla", "Severe latency in sevilla", null)]
    public void DeclareSplitsTitleAndTrailingSeverity(string text, string title, Severity? severity)
    {
        var command = Assert.IsType<DeclareCommand>(CommandParser.Parse(text).Command);
        Assert.Equal(title, command.Title);
        Assert.Equal(severity, command.Severity);
    }

    [Theory]
    [InlineData("role commander @alice", "commander", "alice")]
    [InlineData("role ic alice", "ic", "alice")]
    [InlineData("role scribe", "scribe", null)]
    [InlineData("role scribe me", "scribe", null)]
    public void RoleNamesRoleAndUser(string text, string role, string? user)
    {
        var command = Assert.IsType<AssignRoleCommand>(CommandParser.Parse(text).Command);
        Assert.Equal(role, command.Role);
        Assert.Equal(user, command.User);
    }

    [Fact]
    public void TextCommandsKeepTheirWholeText()
    {
        Assert.Equal("Failover done, replica promoted", Assert.IsType<NoteCommand>(CommandParser.Parse("note Failover done, replica promoted").Command).Text);
        Assert.Equal("Mitigated; watching", Assert.IsType<StatusUpdateCommand>(CommandParser.Parse("update Mitigated; watching").Command).Text);
        Assert.Equal("rolled back v42", Assert.IsType<ResolveCommand>(CommandParser.Parse("resolve rolled back v42").Command).Summary);
        Assert.Equal(Severity.Sev2, Assert.IsType<ChangeSeverityCommand>(CommandParser.Parse("severity sev2").Command).Severity);
        Assert.Equal(Severity.Sev1, Assert.IsType<ChangeSeverityCommand>(CommandParser.Parse("sev 1").Command).Severity);
    }

    [Theory]
    [InlineData("INC-42 ack", 42)]
    [InlineData("inc42 status", 42)]
    [InlineData("#7 resolve", 7)]
    public void LeadingIncidentReferenceIsKept(string text, int number)
    {
        Assert.Equal(number, CommandParser.Parse(text).Command!.IncidentNumber);
    }

    [Theory]
    [InlineData("akc", "Did you mean `ack`?")]
    [InlineData("resolv", "Did you mean `resolve`?")]
    [InlineData("deploy everything", "I don't know `deploy`.")]
    [InlineData("note", "Usage: `note <text>`")]
    [InlineData("update", "Usage: `update <text>`")]
    [InlineData("severity sev9", "`sev9` is not a severity")]
    [InlineData("severity", "Usage: `severity <sev1-4>`")]
    [InlineData("role", "Usage: `role <role> [@user]`")]
    [InlineData("role commander @a @b", "Give one role and one person.")]
    [InlineData("declare sev1", "Give the incident a title.")]
    [InlineData("ack now please", "`ack` takes nothing after it.")]
    public void BadInputGetsAFriendlyExplanation(string text, string expected)
    {
        var result = CommandParser.Parse(text);
        Assert.Null(result.Command);
        Assert.Contains(expected, result.Problem);
    }
}
