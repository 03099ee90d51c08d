using System.Net;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Webhooks;

/// <summary>
/// JSON numbers no database column can hold (an exponent past any integer, hundreds of digits) are only text in an
/// alert's payload: the alert opens its incident like any other, and the alerts beside it are not held up.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class ExtremeNumberTests
{
    [Theory]
    [InlineData("1e-2147483648")]
    [InlineData("1e2147483648")]
    [InlineData("-1e99999")]
    [InlineData("1e400")]
    [InlineData("123456789012345678901234567890.123456789")]
    [InlineData("-0.0e-0")]
    public async Task AnAlertCarryingAnExtremeNumberOpensItsIncident(string number)
    {
        await using var app = new IncidentBotApplication();

        var odd = await app.PostRawAsync("/webhooks/generic", $$$"""{"title":"Ratio off the scale","dedupKey":"ratio","details":{"ratio":{{{number}}}}}""");
        var plain = await app.PostRawAsync("/webhooks/generic", """{"title":"Checkout errors","dedupKey":"checkout"}""");

        Assert.Equal(HttpStatusCode.Accepted, odd.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, plain.StatusCode);
        await app.WaitForProcessingAsync();
        var incidents = await app.ListIncidentsAsync();
        Assert.Equal(["Checkout errors", "Ratio off the scale"], incidents.Select(i => i.Title).Order(StringComparer.Ordinal));
    }
}
