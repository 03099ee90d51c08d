using IncidentBot.Access;

namespace IncidentBot.Tests.Access;

/// <summary>What Slack and Teams keep of the e-mails they vouched for: an answer, also "none", is not asked again.</summary>
public sealed class ProvenEmailsTests
{
    [Fact]
    public void AnAddressANoneAndARefusalAreEachKnownAndAnUnaskedUserIsNot()
    {
        using var emails = new ProvenEmails();

        emails.Remember("U1", "alice@example.com");
        emails.Remember("U2", null);
        emails.RememberRefusal("U3");

        Assert.True(emails.TryGet("U1", out var alice));
        Assert.Equal("alice@example.com", alice);
        Assert.True(emails.TryGet("U2", out var none));
        Assert.Null(none);
        Assert.True(emails.TryGet("U3", out var refused));
        Assert.Null(refused);
        Assert.False(emails.TryGet("U4", out _));
        // User ids are exact: Slack's and Teams' ids differ in case only for different people.
        Assert.False(emails.TryGet("u1", out _));
    }

    [Fact]
    public void ANewerAnswerReplacesTheKeptOne()
    {
        using var emails = new ProvenEmails();
        emails.RememberRefusal("U1");

        emails.Remember("U1", "alice@example.com");

        Assert.True(emails.TryGet("U1", out var email));
        Assert.Equal("alice@example.com", email);
    }
}
