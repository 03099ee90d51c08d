using IncidentBot.Catalog;

namespace IncidentBot.Tests.Catalog;

/// <summary><c>incidentbot.io/alert-selector</c>: Prometheus-style label matchers, all of which must hold.</summary>
public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Checkout = new() { ["service"] = "checkout", ["team"] = "payments", ["env"] = "prod", ["alertname"] = "CheckoutLatencyHigh" };

    [Theory]
    [InlineData("service=checkout", true)]
    [InlineData("service=checkout,team=payments", true)]
    [InlineData(" service = checkout , team = payments ", true)]
    [InlineData("service=\"checkout\"", true)]
    [InlineData("service=checkout,team=search", false)]
    [InlineData("service=Checkout", false)]
    [InlineData("env!=staging", true)]
    [InlineData("env!=prod", false)]
    [InlineData("alertname=~Checkout.*", true)]
    [InlineData("alertname=~\"Checkout.*\"", true)]
    [InlineData("alertname=~Latency", false)]
    [InlineData("alertname!~Disk.*", true)]
    [InlineData("alertname!~Checkout.*", false)]
    [InlineData("region=", true)]
    [InlineData("region!=", false)]
    [InlineData("region=~eu-.*", false)]
    [InlineData("service=checkout,", true)]
    public void SelectorMatchesWhenEveryMatcherHolds(string text, bool matches)
    {
        Assert.True(LabelSelector.TryParse(text, out var selector, out var problem), problem);
        Assert.Equal(matches, selector.Matches(Checkout));
    }

    [Theory]
    [InlineData("", "no label matchers")]
    [InlineData(" , ", "no label matchers")]
    [InlineData("checkout", "not a label matcher")]
    [InlineData("=checkout", "not a label matcher")]
    [InlineData("1service=checkout", "not a label name")]
    [InlineData("ser vice=checkout", "not a label name")]
    [InlineData("service==checkout", "not a label matcher")]
    [InlineData("service=~~x", "not a label matcher")]
    [InlineData("alertname=~(unclosed", "not a regular expression")]
    [InlineData("service=\"che\"ckout\"", "may not hold quotes")]
    [InlineData("service<checkout", "not a label matcher")]
    public void BadSelectorsSayWhatIsWrong(string text, string expected)
    {
        Assert.False(LabelSelector.TryParse(text, out _, out var problem));
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void CatastrophicPatternGivesUpInsteadOfHangingIntake()
    {
        Assert.True(LabelSelector.TryParse("alertname=~(a+)+b", out var selector, out _));
        var labels = new Dictionary<string, string> { ["alertname"] = new string('a', 5000) + "c" };

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(selector.Matches(labels));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }
}
