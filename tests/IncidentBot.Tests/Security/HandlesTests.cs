using System.Security.Claims;
using IncidentBot.Chat.Commands;
using IncidentBot.WebConsole;

namespace IncidentBot.Tests.Security;

/// <summary>
/// A signed-in person's handle is one typeable word: what others write after the @ in commands, and what the
/// timeline shows. Names with spaces, e-mails and UPNs, other scripts, and hostile values all become one.
/// </summary>
public sealed class HandlesTests
{
    public static TheoryData<string, string?> Values => new()
    {
        { "jdoe", "jdoe" },
        { "Jane Doe", "Jane.Doe" },
        { "  Jane   Doe  ", "Jane.Doe" },
        { "Jane\tDoe\nJr", "Jane.Doe.Jr" },
        { "jane.doe@contoso.com", "jane.doe" },
        { "Jane.Doe@Contoso.onmicrosoft.com", "Jane.Doe" },
        { "jane_doe#EXT#@contoso.onmicrosoft.com", "jane_doeEXT" }, // a guest's UPN
        { "@jane", "jane" },
        { "o'brien", "o'brien" },
        { "Jürgen Groß", "Jürgen.Groß" },
        { "Ju\u0308rgen", "J\u00fcrgen" }, // composed (NFC): one way of writing it
        { "李小龍", "李小龍" },
        { "Пётр Ильич", "Пётр.Ильич" },
        { "أحمد علي", "أحمد.علي" },
        { "जय शर्मा", "जय.शर्मा" },
        { "alice\u200B", "alice" }, // zero-width space: gone
        { "<script>alert(1)</script>", "scriptalert1script" },
        { "`rm -rf`", "rm.rf" },
        { "*bold* _it_", "bold.it" },
        { "a--b..c", "a-b.c" },
        { "...jane...", "jane" },
        { "-jane-", "jane" },
        { "😀 party", "party" },
        { "me", null },
        { "ME", null },
        { "", null },
        { "   ", null },
        { "@", null },
        { "!!!", null },
        { "😀", null },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void AValueBecomesOneTypeableWord(string value, string? expected)
    {
        var handle = Handles.Typeable(value);

        Assert.Equal(expected, handle);
        if (handle is not null)
        {
            AssertTypeable(handle);
        }
    }

    [Fact]
    public void EveryHandleIsOneWordOfAtMost64CharactersThatACommandNamesBack()
    {
        var random = new Random(20);
        var alphabet = "abcXYZ019 ._-'@<>&\"`*_~|\\/\t\n\u00e9\u0301\u4e2d\u0416\u0627\ud83d\ude00\u200b\u0000";
        for (var i = 0; i < 2_000; i++)
        {
            var value = new string(Enumerable.Range(0, random.Next(0, 120)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            if (Handles.Typeable(value) is { } handle)
            {
                AssertTypeable(handle);
            }
        }
    }

    public static TheoryData<Dictionary<string, string>, string> Principals => new()
    {
        // Keycloak: the user name.
        { new() { ["preferred_username"] = "jdoe", ["email"] = "jane@example.com", ["sub"] = "f81d4fae" }, "jdoe" },
        // Entra ID: the UPN.
        { new() { ["preferred_username"] = "jane.doe@contoso.com", ["email"] = "jane@example.com", ["sub"] = "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ" }, "jane.doe" },
        // Google: no preferred_username, the e-mail's part before the @.
        { new() { ["email"] = "jane.doe@gmail.com", ["sub"] = "110169484474386276334" }, "jane.doe" },
        // Nothing typeable in the handle claim: the e-mail.
        { new() { ["preferred_username"] = "😀", ["email"] = "jane@example.com", ["sub"] = "x1" }, "jane" },
        // Neither handle nor e-mail: the subject.
        { new() { ["sub"] = "110169484474386276334" }, "110169484474386276334" },
    };

    [Theory]
    [MemberData(nameof(Principals))]
    public void TheHandleClaimComesFirstThenTheEmailThenTheSubject(Dictionary<string, string> claims, string expected)
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims.Select(c => new Claim(c.Key, c.Value)), "test"));

        Assert.Equal(expected, Handles.Of(principal, new OidcOptions()));
    }

    [Fact]
    public void AnotherHandleClaimCanBeChosen()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("nickname", "JD"), new Claim("preferred_username", "jdoe")], "test"));

        Assert.Equal("JD", Handles.Of(principal, new OidcOptions { HandleClaim = "nickname" }));
    }

    private static void AssertTypeable(string handle)
    {
        Assert.InRange(handle.Length, 1, Handles.MaxLength);
        Assert.DoesNotContain(handle, char.IsWhiteSpace);
        Assert.DoesNotContain('@', handle);
        Assert.DoesNotContain(handle, char.IsControl);
        Assert.False(handle.Length > 0 && char.IsHighSurrogate(handle[^1]), $"a half surrogate pair ends {handle}");
        // The parser gives the handle back as the person a role goes to.
        var parsed = CommandParser.Parse($"role commander @{handle}");
        var command = Assert.IsType<AssignRoleCommand>(parsed.Command);
        Assert.Equal(handle, command.User);
    }
}
