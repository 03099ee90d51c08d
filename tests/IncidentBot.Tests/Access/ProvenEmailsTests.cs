using IncidentBot.Access;
using IncidentBot.Tests.Infrastructure;

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

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(50)]
    public async Task CommandsOfOneUserArrivingTogetherShareOneLookUp(int commands)
    {
        using var emails = new ProvenEmails();
        var asked = 0;
        var answer = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<string?> LookUp()
        {
            Interlocked.Increment(ref asked);
            var email = await answer.Task;
            emails.Remember("U1", email);
            return email;
        }

        var waiting = Enumerable.Range(0, commands).Select(_ => Task.Run(() => emails.GetAsync("U1", LookUp))).ToList();
        var other = await emails.GetAsync("U2", () => Task.FromResult<string?>("bob@example.com"));
        await Eventually.TrueAsync(() => Volatile.Read(ref asked) == 1, "the look-up to start");
        answer.SetResult("alice@example.com");

        Assert.All(await Task.WhenAll(waiting), email => Assert.Equal("alice@example.com", email));
        Assert.Equal(1, asked);
        Assert.Equal("bob@example.com", other);
        // Kept now: the next command does not ask.
        Assert.Equal("alice@example.com", await emails.GetAsync("U1", () => throw new InvalidOperationException("asked again")));
    }

    [Fact]
    public async Task AFailedLookUpFailsEveryoneWaitingForItAndTheNextCommandAsksAgain()
    {
        using var emails = new ProvenEmails();
        var fail = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = emails.GetAsync("U1", () => fail.Task);
        var second = emails.GetAsync("U1", () => throw new InvalidOperationException("a second look-up while one runs"));
        fail.SetException(new HttpRequestException("Slack is down"));

        await Assert.ThrowsAsync<HttpRequestException>(() => first);
        await Assert.ThrowsAsync<HttpRequestException>(() => second);
        // Nothing was kept and nothing runs: the next command asks, and gets its answer.
        Assert.False(emails.TryGet("U1", out _));
        Assert.Equal("alice@example.com", await emails.GetAsync("U1", () => Task.FromResult<string?>("alice@example.com")));
    }
}
