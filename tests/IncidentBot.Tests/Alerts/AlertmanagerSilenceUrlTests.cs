using IncidentBot.Alerts.Sources;

namespace IncidentBot.Tests.Alerts;

/// <summary>
/// The "Silence" link opens Alertmanager's new-silence form with the alert's labels as matchers, in Alertmanager's own
/// order (names in byte order, <c>alertname</c> last) and quoting, whatever the labels hold.
/// </summary>
public sealed class AlertmanagerSilenceUrlTests
{
    public static TheoryData<string, string> Values() => new()
    {
        { "plain", "\"plain\"" },
        { "", "\"\"" },
        { "say \"hi\"", "\"say \\\"hi\\\"\"" },
        { @"C:\logs\app", @"""C:\\logs\\app""" },
        { "two\nlines", "\"two\\nlines\"" },
        { "\\\"\n", "\"\\\\\\\"\\n\"" },
        { "tab\there", "\"tab\there\"" },
        { "ünïcödé ✓ 🚨", "\"ünïcödé ✓ 🚨\"" },
        { "a=b, c={d}", "\"a=b, c={d}\"" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void AValueIsQuotedAsAlertmanagersMatchersReadIt(string value, string quoted)
    {
        var url = AlertmanagerNormalizer.SilenceUrl("https://am.example", new Dictionary<string, string> { ["job"] = value })!;

        Assert.Equal("{job=" + quoted + "}", Filter(url));
    }

    [Fact]
    public void MatchersAreInByteOrderWithAlertnameLast()
    {
        var labels = new Dictionary<string, string>
        {
            ["alertname"] = "NodeDown",
            ["zone"] = "b",
            ["Zone"] = "B",
            ["instance"] = "web-1",
            ["_meta"] = "x",
            ["alertnames"] = "y",
        };

        var url = AlertmanagerNormalizer.SilenceUrl("https://am.example/", labels)!;

        Assert.StartsWith("https://am.example/#/silences/new?filter=", url, StringComparison.Ordinal);
        Assert.Equal("{Zone=\"B\", _meta=\"x\", alertnames=\"y\", instance=\"web-1\", zone=\"b\", alertname=\"NodeDown\"}", Filter(url));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void WithoutAnAddressThereIsNoLink(string? externalUrl) =>
        Assert.Null(AlertmanagerNormalizer.SilenceUrl(externalUrl, new Dictionary<string, string> { ["job"] = "node" }));

    [Fact]
    public void WithoutLabelsThereIsNoLink() =>
        Assert.Null(AlertmanagerNormalizer.SilenceUrl("https://am.example", new Dictionary<string, string>()));

    private static string Filter(string url) => Uri.UnescapeDataString(url[(url.IndexOf("?filter=", StringComparison.Ordinal) + "?filter=".Length)..]);
}
