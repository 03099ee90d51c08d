using IncidentBot.Catalog;

namespace IncidentBot.Tests.Catalog;

/// <summary>Backstage entity references: <c>[kind:][namespace/]name</c>, defaults from where the reference is written.</summary>
public sealed class EntityRefTests
{
    [Theory]
    [InlineData("team-a", "group", "default", "group:default/team-a")]
    [InlineData("group:default/team-a", "group", "default", "group:default/team-a")]
    [InlineData("user:jdoe", "group", "default", "user:default/jdoe")]
    [InlineData("development/guest", "user", "default", "user:development/guest")]
    [InlineData("Group:Default/Team-A", "group", "default", "group:default/team-a")]
    [InlineData("  team-a  ", "group", "default", "group:default/team-a")]
    [InlineData("team-a", "group", "shop", "group:shop/team-a")]
    [InlineData("group:team-a", "user", "shop", "group:shop/team-a")]
    [InlineData("jane.doe", "user", "default", "user:default/jane.doe")]
    [InlineData("user:default/jane_doe", "group", "x", "user:default/jane_doe")]
    public void ReferenceTakesTheDefaultsOfWhereItIsWritten(string text, string defaultKind, string defaultNamespace, string expected)
    {
        Assert.True(EntityRef.TryParse(text, defaultKind, defaultNamespace, out var reference, out var problem), problem);
        Assert.Equal(expected, reference.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("group:")]
    [InlineData(":team-a")]
    [InlineData("group:default/")]
    [InlineData("/team-a")]
    [InlineData("group:default/team/a")]
    [InlineData("group:a:b")]
    [InlineData("team a")]
    public void MalformedReferencesAreRefusedWithTheExpectedForm(string? text)
    {
        Assert.False(EntityRef.TryParse(text, "group", "default", out _, out var problem));
        Assert.Contains("[kind:][namespace/]name", problem);
    }

    [Fact]
    public void ReferencesCompareIgnoringTheCaseTheyWereWrittenIn()
    {
        EntityRef.TryParse("Group:DEFAULT/Payments", "group", "default", out var a, out _);
        EntityRef.TryParse("payments", "group", "default", out var b, out _);
        Assert.Equal(a, b);
    }
}
