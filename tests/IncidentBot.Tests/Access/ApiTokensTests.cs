using IncidentBot.Access;

namespace IncidentBot.Tests.Access;

/// <summary>The rules of API tokens: what a new token looks like, which bearer values have its form, which names are valid.</summary>
public sealed class ApiTokensTests
{
    [Fact]
    public void NewTokensHaveThePrefixTheFormAndAreNeverRepeated()
    {
        var tokens = Enumerable.Range(0, 2000).Select(_ => ApiTokens.NewSecret()).ToList();

        Assert.All(tokens, t => Assert.Matches("^ibt_[A-Za-z0-9_-]{43}$", t));
        Assert.All(tokens, t => Assert.True(ApiTokens.IsWellFormed(t), t));
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(tokens.Count, tokens.Select(ApiTokens.Hash).Distinct(StringComparer.Ordinal).Count());
        Assert.All(tokens.Select(ApiTokens.Hash), h => Assert.Matches("^[0-9a-f]{64}$", h));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ibt_")]
    [InlineData("IBT_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ibt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ibt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ibt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/")]
    [InlineData("ibt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("ibt_AAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ibt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\u00e9")]
    [InlineData("xbt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void BearerValuesNotOfTheFormAreNotWellFormed(string value) => Assert.False(ApiTokens.IsWellFormed(value));

    [Theory]
    [InlineData("ci", true)]
    [InlineData("0", true)]
    [InlineData("deploy.prod_2-eu", true)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("CI", false)]
    [InlineData("-ci", false)]
    [InlineData("_ci", false)]
    [InlineData("ci bot", false)]
    [InlineData("ci:prod", false)]
    [InlineData("<b>", false)]
    [InlineData("caf\u00e9", false)]
    [InlineData("ci\n", false)]
    public void NamesAreLowerCaseLettersDigitsDotsDashesAndUnderscores(string? name, bool valid) => Assert.Equal(valid, ApiTokens.IsValidName(name));

    [Theory]
    [InlineData("viewer", AccessRole.Viewer)]
    [InlineData("Responder", AccessRole.Responder)]
    [InlineData(" LEAD ", AccessRole.Lead)]
    public void RolesAreReadInAnyCase(string text, AccessRole role)
    {
        Assert.True(ApiTokens.TryParseRole(text, out var parsed));
        Assert.Equal(role, parsed);
        Assert.Equal(text.Trim().ToLowerInvariant(), ApiTokens.RoleName(parsed));
    }
}
