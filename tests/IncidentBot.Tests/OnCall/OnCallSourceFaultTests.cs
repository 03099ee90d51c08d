using System.Text;
using IncidentBot.OnCall;
using IncidentBot.OnCall.Sources;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.OnCall.Fakes;

namespace IncidentBot.Tests.OnCall;

/// <summary>
/// What every source does when its vendor misbehaves: refusals, rate limits, wrong keys, server errors, malformed
/// and huge bodies all become an <see cref="OnCallSourceException"/> naming the source, never another exception,
/// and never with the API key in a message or a log line.
/// </summary>
public sealed class OnCallSourceFaultTests
{
    public static TheoryData<string, int> VendorsAndStatuses()
    {
        var data = new TheoryData<string, int>();
        foreach (var vendor in OnCallVendor.All)
        {
            foreach (var status in new[] { 400, 403, 404, 500, 502, 503 })
            {
                data.Add(vendor.Name, status);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(VendorsAndStatuses))]
    public async Task AFailedStatusIsAnOnCallFailureNamingTheStatus(string name, int status)
    {
        var vendor = OnCallVendor.Named(name);
        await using var fake = await vendor.StartAsync();
        using var harness = OnCallHarness.Create(vendor.Settings(fake));
        fake.FailWith(status);

        var refused = await Assert.ThrowsAsync<OnCallSourceException>(() => AskAsync(harness, vendor));

        Assert.Equal(vendor.Name, refused.SourceName);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Problem);
        Assert.Null(refused.RetryAfter);
        KeyNeverShown(fake, harness, refused);
    }

    [Theory]
    [MemberData(nameof(OnCallVendor.Names), MemberType = typeof(OnCallVendor))]
    public async Task ForbiddenSaysTheKeyMayNotSeeTheTarget(string name)
    {
        var vendor = OnCallVendor.Named(name);
        await using var fake = await vendor.StartAsync();
        using var harness = OnCallHarness.Create(vendor.Settings(fake));
        fake.FailWith(403);

        var refused = await Assert.ThrowsAsync<OnCallSourceException>(() => AskAsync(harness, vendor));

        Assert.Contains("refused access", refused.Problem);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, Assert.IsType<HttpRequestException>(refused.InnerException).StatusCode);
    }

    [Theory]
    [MemberData(nameof(OnCallVendor.Names), MemberType = typeof(OnCallVendor))]
    public async Task AWrongKeyIsRefusedAndNeverShown(string name)
    {
        var vendor = OnCallVendor.Named(name);
        await using var fake = await vendor.StartAsync();
        var settings = vendor.Settings(fake);
        foreach (var key in settings.Keys.Where(k => k.EndsWith("ApiKey", StringComparison.Ordinal)).ToList())
        {
            settings[key] = "wrong-secret-key-123";
        }
        using var harness = OnCallHarness.Create(settings);

        var refused = await Assert.ThrowsAsync<OnCallSourceException>(() => AskAsync(harness, vendor));

        Assert.Contains("401", refused.Problem);
        Assert.DoesNotContain("wrong-secret-key-123", refused.ToString());
        Assert.DoesNotContain("wrong-secret-key-123", harness.AllLogText);
    }

    [Theory]
    [MemberData(nameof(OnCallVendor.Names), MemberType = typeof(OnCallVendor))]
    public async Task TooManyRequestsCarriesRetryAfter(string name)
    {
        var vendor = OnCallVendor.Named(name);
        await using var fake = await vendor.StartAsync();
        using var harness = OnCallHarness.Create(vendor.Settings(fake));
        fake.Throttle(retryAfterSeconds: 42);

        var refused = await Assert.ThrowsAsync<OnCallSourceException>(() => AskAsync(harness, vendor));

        Assert.Equal(TimeSpan.FromSeconds(42), refused.RetryAfter);
        Assert.Contains("429", refused.Problem);
        // Once the vendor lets calls through again, the source answers.
        Assert.Contains((await AskAsync(harness, vendor)).Now, p => p.Name == vendor.PersonName);
    }

    [Theory]
    [MemberData(nameof(OnCallVendor.Names), MemberType = typeof(OnCallVendor))]
    public async Task AHugeBodyIsNotReadWhole(string name)
    {
        var vendor = OnCallVendor.Named(name);
        await using var fake = await vendor.StartAsync();
        using var harness = OnCallHarness.Create(vendor.Settings(fake));
        // Valid JSON, so only the size can refuse it: the vendor's body padded with 2 MiB of spaces.
        fake.ReplaceBodies(Encoding.UTF8.GetBytes(vendor.ValidBody + new string(' ', 2 * OnCallHttp.MaxResponseBytes)));

        var refused = await Assert.ThrowsAsync<OnCallSourceException>(() => AskAsync(harness, vendor));

        Assert.Contains("more than 1024 KiB", refused.Problem);
        Assert.IsType<InvalidDataException>(refused.InnerException);
    }

    [Theory]
    [MemberData(nameof(OnCallVendor.Names), MemberType = typeof(OnCallVendor))]
    public async Task TheValidBodyIsReadWhenReplayed(string name)
    {
        // The control for the malformed bodies below: the unspoilt body gives the person.
        var vendor = OnCallVendor.Named(name);
        await using var fake = await vendor.StartAsync();
        using var harness = OnCallHarness.Create(vendor.Settings(fake));
        fake.ReplaceBodies(Encoding.UTF8.GetBytes(vendor.ValidBody));

        var answer = await AskAsync(harness, vendor);

        Assert.Contains(answer.Now, p => p.Name == vendor.PersonName);
    }

    [Theory]
    [MemberData(nameof(OnCallVendor.Names), MemberType = typeof(OnCallVendor))]
    public async Task MalformedBodiesAreOnCallFailuresNeverCrashes(string name)
    {
        var vendor = OnCallVendor.Named(name);
        await using var fake = await vendor.StartAsync();
        using var harness = OnCallHarness.Create(vendor.Settings(fake));
        var kinds = MalformedBodies.From(vendor.ValidBody).ToList();
        Assert.True(kinds.Count > 30);
        foreach (var body in kinds)
        {
            fake.ReplaceBodies(body.Body);
            OnCallAnswer? answer = null;
            try
            {
                answer = await AskAsync(harness, vendor);
            }
            catch (OnCallSourceException ex)
            {
                Assert.Equal(vendor.Name, ex.SourceName);
            }
            catch (Exception ex)
            {
                Assert.Fail($"{vendor.Name} threw {ex.GetType().Name} for '{body.Kind}': {ex.Message}");
            }
            if (answer is not null)
            {
                Assert.False(body.AlwaysInvalid, $"{vendor.Name} accepted '{body.Kind}'");
                Assert.All(answer.Now, p => Assert.False(string.IsNullOrEmpty(p.Name), $"{vendor.Name} gave a person without a name for '{body.Kind}'"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(OnCallVendor.Names), MemberType = typeof(OnCallVendor))]
    public async Task BlankStringsNeverGiveAPersonWithoutAName(string name)
    {
        var vendor = OnCallVendor.Named(name);
        await using var fake = await vendor.StartAsync();
        using var harness = OnCallHarness.Create(vendor.Settings(fake));
        foreach (var blank in new[] { "", " ", @"\t", @"\n", @"\u00a0 " })
        {
            // Every string value blank, one field at a time and all at once.
            var values = System.Text.RegularExpressions.Regex.Matches(vendor.ValidBody, "(:\\s*)\"([^\"]*)\"");
            var bodies = values.Select(m => vendor.ValidBody[..m.Index] + $"{m.Groups[1].Value}\"{blank}\"" + vendor.ValidBody[(m.Index + m.Length)..])
                .Append(System.Text.RegularExpressions.Regex.Replace(vendor.ValidBody, "(:\\s*)\"([^\"]*)\"", m => $"{m.Groups[1].Value}\"{blank}\""));
            foreach (var body in bodies)
            {
                fake.ReplaceBodies(Encoding.UTF8.GetBytes(body));
                OnCallAnswer? answer = null;
                try
                {
                    answer = await AskAsync(harness, vendor);
                }
                catch (OnCallSourceException)
                {
                }
                Assert.All(answer?.Now.Concat(answer.Next) ?? [], p => Assert.False(string.IsNullOrWhiteSpace(p.Name), $"{vendor.Name} gave a blank name for {body}"));
                Assert.All(answer?.Now.Concat(answer.Next) ?? [], p => Assert.True(p.Email is null || p.Email.Trim().Length > 0, $"{vendor.Name} gave a blank e-mail for {body}"));
            }
        }
    }

    private static Task<OnCallAnswer> AskAsync(OnCallHarness harness, OnCallVendor vendor) =>
        harness.Source(vendor.Name).WhoIsOnCallAsync(vendor.Target, OnCallVendor.Now, CancellationToken.None);

    private static void KeyNeverShown(FakeOnCallApi fake, OnCallHarness harness, Exception refused)
    {
        Assert.DoesNotContain(fake.ApiKey, refused.ToString());
        Assert.DoesNotContain(fake.ApiKey, harness.AllLogText);
    }
}
