using IncidentBot.Chat;

namespace IncidentBot.Tests.Security;

/// <summary>The one link check every renderer uses: absolute http, https and mailto only.</summary>
public sealed class LinkPolicyTests
{
    public static TheoryData<string> Unsafe() => new(AttackCorpus.UnsafeUrls);

    public static TheoryData<string> Safe() => new(AttackCorpus.SafeUrls);

    [Theory]
    [MemberData(nameof(Unsafe))]
    public void RefusesScriptOtherSchemesRelativeAndDisguisedTargets(string url) => Assert.False(LinkPolicy.IsSafe(url), url);

    [Theory]
    [MemberData(nameof(Safe))]
    public void AllowsAbsoluteHttpHttpsAndMailto(string url) => Assert.True(LinkPolicy.IsSafe(url), url);

    [Fact]
    public void RefusesNull() => Assert.False(LinkPolicy.IsSafe(null));

    [Fact]
    public void EveryControlAndInvisibleCharacterInsideAWebAddressIsRefused()
    {
        // Browsers drop some of these silently while parsing a URL, so "jav<c>ascript:" can still mean javascript:.
        for (var c = '\0'; c < '\uFFFF'; c++)
        {
            if (char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
                || (char.IsWhiteSpace(c) && c != ' '))
            {
                Assert.False(LinkPolicy.IsSafe($"https://example.com/a{c}b"), $"U+{(int)c:X4}");
                Assert.False(LinkPolicy.IsSafe($"jav{c}ascript:alert(1)"), $"U+{(int)c:X4}");
            }
        }
    }
}
