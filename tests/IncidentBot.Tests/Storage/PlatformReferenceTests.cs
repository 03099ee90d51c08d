using System.Reflection;
using IncidentBot.Slack;
using IncidentBot.Storage;
using IncidentBot.Teams;

namespace IncidentBot.Tests.Storage;

/// <summary>The descriptors adapters declare their references with.</summary>
public sealed class PlatformReferenceTests
{
    [Theory]
    [InlineData("", "channel")]
    [InlineData("slack", "")]
    [InlineData("Slack", "channel")]
    [InlineData("slack", "Channel")]
    [InlineData("slack", "incident:of")]
    [InlineData("slack:x", "channel")]
    [InlineData("slack", "update message")]
    [InlineData("slack", "update_message")]
    [InlineData("sl\u00e4ck", "channel")]
    [InlineData("slack", "channel\n")]
    [InlineData("slack", "a123456789a123456789a123456789a1234567890")]
    public void ANameThatCouldCollideOrConfuseIsRefused(string platform, string kind)
    {
        Assert.ThrowsAny<ArgumentException>(() => new PlatformReference<object>(platform, kind));
    }

    [Theory]
    [InlineData("slack", "channel")]
    [InlineData("teams", "conversation-service-url")]
    [InlineData("x9", "a123456789a123456789a123456789a123456789")]
    public void LowerCaseLettersDigitsAndDashesAreNames(string platform, string kind)
    {
        var reference = new PlatformReference<object>(platform, kind);

        Assert.Equal($"{platform}:{kind}", reference.ToString());
    }

    [Fact]
    public void EveryKindAnAdapterDeclaresIsItsOwn()
    {
        var declared = new[] { typeof(SlackReferences), typeof(TeamsReferences) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.FieldType.IsAssignableTo(typeof(PlatformReference)))
            .Select(f => (PlatformReference)f.GetValue(null)!)
            .ToList();

        Assert.Equal(16, declared.Count);
        Assert.Equal(declared.Count, declared.Select(r => r.ToString()).Distinct().Count());
        Assert.Equal(7, declared.Count(r => r.Platform == "slack"));
        Assert.Equal(9, declared.Count(r => r.Platform == "teams"));
    }
}
