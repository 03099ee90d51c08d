using IncidentBot.OnCall;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.OnCall;

/// <summary>The <c>OnCall</c> settings: checked at start, every problem named with its key, keys never shown.</summary>
public sealed class OnCallOptionsTests
{
    [Theory]
    [InlineData("ftp://api.pagerduty.com", "must be an absolute http(s) URL")]
    [InlineData("api.pagerduty.com", "must be an absolute http(s) URL")]
    [InlineData("/v2", "must be an absolute http(s) URL")]
    [InlineData("http://api.pagerduty.com", "must use https")]
    [InlineData("http://10.0.0.5:8080", "must use https")]
    [InlineData("http://127.0.0.1.example.com", "must use https")]
    [InlineData("https://user:pass@api.pagerduty.com", "must not carry a user name, query or fragment")]
    [InlineData("https://api.pagerduty.com/?token=x", "must not carry a user name, query or fragment")]
    [InlineData("https://api.pagerduty.com/#x", "must not carry a user name, query or fragment")]
    public void ABaseUrlTheKeyMustNotTravelToIsRefused(string url, string problem)
    {
        foreach (var source in new[] { "PagerDuty", "Opsgenie", "GrafanaOnCall", "GoAlert" })
        {
            var options = Options(source, "secret-key-987", url);

            var problems = options.Problems();

            Assert.StartsWith($"OnCall:{source}:BaseUrl {problem}", Assert.Single(problems));
            Assert.DoesNotContain("secret-key-987", problems[0]);
        }
    }

    [Theory]
    [InlineData("https://api.pagerduty.com")]
    [InlineData("https://api.eu.opsgenie.com/")]
    [InlineData("https://oncall-prod-eu-west-0.grafana.net/oncall")]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://localhost:9000/goalert")]
    [InlineData("http://[::1]:5000")]
    public void HttpsAndLoopbackBaseUrlsAreAccepted(string url)
    {
        Assert.Empty(Options("GoAlert", "key", url).Problems());
    }

    [Theory]
    [InlineData("key with space")]
    [InlineData("key\r\nX-Injected: yes")]
    [InlineData("key\n")]
    [InlineData("key\t")]
    [InlineData("key\u0000")]
    [InlineData("kéy")]
    [InlineData("key\u2028")]
    public void AKeyThatCannotBeAHeaderValueIsRefusedWithoutBeingShown(string key)
    {
        var options = Options("PagerDuty", key, "https://api.pagerduty.com");
        options.GoAlert = new GoAlertOptions { ApiKey = "fine", ScheduleApiKey = key, BaseUrl = "https://goalert.example.com" };

        var problems = options.Problems();

        Assert.Equal(
            ["OnCall:PagerDuty:ApiKey must not contain spaces, line breaks or characters outside ASCII.", "OnCall:GoAlert:ScheduleApiKey must not contain spaces, line breaks or characters outside ASCII."],
            problems);
    }

    [Fact]
    public void GoAlertHasNoPublicAddressSoItsKeyNeedsOne()
    {
        var problems = new OnCallOptions { GoAlert = new GoAlertOptions { ApiKey = "k" } }.Problems();

        Assert.Equal(["OnCall:GoAlert:BaseUrl is required because OnCall:GoAlert:ApiKey is set."], problems);
    }

    [Fact]
    public void DefaultsAreTheVendorsPublicApisWithEverySourceOff()
    {
        var options = new OnCallOptions();

        Assert.Equal("https://api.pagerduty.com", options.PagerDuty.BaseUrl);
        Assert.Equal("https://api.opsgenie.com", options.Opsgenie.BaseUrl);
        Assert.StartsWith("https://", options.GrafanaOnCall.BaseUrl);
        Assert.All(options.Sources(), s => Assert.False(s.Options.Enabled));
        Assert.Equal(TimeSpan.FromSeconds(2), options.Timeout);
        Assert.Empty(options.Problems());
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:00.050")]
    [InlineData("-00:00:01")]
    [InlineData("00:00:31")]
    [InlineData("01:00:00")]
    public void ATimeoutOutsideItsRangeIsRefused(string timeout)
    {
        var problem = Assert.Single(new OnCallOptions { Timeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) }.Problems());

        Assert.StartsWith("OnCall:Timeout must lie between 0.1 s and 30 s", problem);
    }

    [Fact]
    public void TheBotRefusesToStartWithBadOnCallSettingsAndSaysWhy()
    {
        using var app = new IncidentBotApplication(new()
        {
            ["OnCall:PagerDuty:ApiKey"] = "secret-key-987",
            ["OnCall:PagerDuty:BaseUrl"] = "http://pagerduty.example.com",
            ["OnCall:Timeout"] = "00:05:00",
            ["OnCall:Opsgenie:ApiKee"] = "typo",
        });
        var problems = IncidentBot.Hosting.ConfigurationCheck.FindProblems(app.Services.GetRequiredService<IConfiguration>(), app.Services);

        Assert.Contains(problems, p => p.Contains("OnCall:Opsgenie:ApiKee: not a setting of OnCall:Opsgenie; did you mean OnCall:Opsgenie:ApiKey?"));
        // Unknown keys are reported first; once the section is clean, its values are checked.
        using var clean = new IncidentBotApplication(new()
        {
            ["OnCall:PagerDuty:ApiKey"] = "secret-key-987",
            ["OnCall:PagerDuty:BaseUrl"] = "http://pagerduty.example.com",
            ["OnCall:Timeout"] = "00:05:00",
        });
        var values = IncidentBot.Hosting.ConfigurationCheck.FindProblems(clean.Services.GetRequiredService<IConfiguration>(), clean.Services);
        Assert.Contains(values, p => p.StartsWith("OnCall:PagerDuty:BaseUrl must use https", StringComparison.Ordinal));
        Assert.Contains(values, p => p.StartsWith("OnCall:Timeout must lie between", StringComparison.Ordinal));
        Assert.DoesNotContain(values.Concat(problems), p => p.Contains("secret-key-987"));
    }

    [Fact]
    public void OnlySourcesWithAKeyAreRegisteredAndTheDirectoryReplacesAStandIn()
    {
        using var harness = OnCallHarness.Create(new Dictionary<string, string?> { ["OnCall:Opsgenie:ApiKey"] = "k" }, services: s => s.AddSingleton<IOnCallDirectory, StandIn>());
        harness.Services.GetRequiredService<IOptions<OnCallOptions>>();

        Assert.Equal(["opsgenie"], harness.Services.GetServices<IOnCallSource>().Select(s => s.Name));
        Assert.IsType<OnCallDirectory>(harness.Directory);
        Assert.IsType<OnCallDirectory>(Assert.Single(harness.Services.GetServices<IOnCallDirectory>()));
    }

    [Fact]
    public void AStandInAddedLaterWithTryAddDoesNotReplaceTheDirectory()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IOnCallDirectory, OnCallDirectory>();
        services.TryAddSingleton<IOnCallDirectory, StandIn>();

        Assert.Single(services, d => d.ServiceType == typeof(IOnCallDirectory));
    }

    private static OnCallOptions Options(string source, string key, string url)
    {
        var options = new OnCallOptions();
        var settings = options.Sources().Single(s => s.Key == source).Options;
        settings.ApiKey = key;
        settings.BaseUrl = url;
        return options;
    }

    private sealed class StandIn : IOnCallDirectory
    {
        public Task<OnCallLookup> LookupAsync(OnCallRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
