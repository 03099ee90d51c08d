using IncidentBot.Teams;
using IncidentBot.Teams.Api;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Teams;

/// <summary>Teams:AllowedServiceUrls compares parsed URLs: scheme, host, port and a path prefix, never raw text.</summary>
public sealed class ServiceUrlAllowListTests
{
    private static readonly ServiceUrlAllowList Defaults = new(Options.Create(new TeamsOptions()));

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/")]
    [InlineData("https://smba.trafficmanager.net/emea/")]
    [InlineData("https://smba.trafficmanager.net/teams/")]
    [InlineData("https://smba.trafficmanager.net/amer-client-ss.msg/")]
    [InlineData("https://smba.trafficmanager.net/amer/56653e9d-2158-46ee-90d7-675c39642038/")]
    [InlineData("https://smba.trafficmanager.net")]
    [InlineData("https://SMBA.TrafficManager.NET/amer/")]
    [InlineData("HTTPS://smba.trafficmanager.net/amer/")]
    [InlineData("https://smba.trafficmanager.net:443/amer/")]
    [InlineData("https://smba.infra.gcc.teams.microsoft.com/gcc/")]
    [InlineData("https://smba.infra.gov.teams.microsoft.us/gcch/")]
    [InlineData("https://smba.infra.dod.teams.microsoft.us/teams")]
    public void MicrosoftServiceUrlsAreAllowedByDefault(string serviceUrl) => Assert.NotNull(Defaults.Allow(serviceUrl));

    [Theory]
    [InlineData("https://smba.trafficmanager.net.evil.example/amer/")] // a suffix on the host
    [InlineData("https://evil-smba.trafficmanager.net/amer/")]
    [InlineData("https://smba.trafficmanager.net@evil.example/amer/")] // the real host is after the @
    [InlineData("https://smba.trafficmanager.net:443@evil.example/")]
    [InlineData("https://user@smba.trafficmanager.net/amer/")] // a user name never belongs in a service URL
    [InlineData("https://user:pass@smba.trafficmanager.net/amer/")]
    [InlineData("http://smba.trafficmanager.net/amer/")] // the token would travel in clear text
    [InlineData("https://smba.trafficmanager.net:8443/amer/")]
    [InlineData("https://smba.trafficmanager.net:80/amer/")]
    [InlineData("https://smba.trafficmanager.net./amer/")]
    [InlineData("https://smba.trafficmanager.net%2eevil.example/")]
    [InlineData("https://smba.trafficmanager.net\\@evil.example/")]
    [InlineData("https://smba.trafficmanager.net/amer/?next=https://evil.example/")]
    [InlineData("https://smba.trafficmanager.net/amer/#https://evil.example/")]
    [InlineData("https://smba.trafficmanager.net/amer/%2F..%2F")]
    [InlineData(" https://smba.trafficmanager.net/amer/")]
    [InlineData("https://smba.trafficmanager.net/amer/\n")]
    [InlineData("https://smbа.trafficmanager.net/amer/")] // a Cyrillic "а"
    [InlineData("https://xn--smb-8cd.trafficmanager.net/amer/")]
    [InlineData("https://evil.example/smba.trafficmanager.net/")]
    [InlineData("https://127.0.0.1/")]
    [InlineData("https://[::1]/")]
    [InlineData("ftp://smba.trafficmanager.net/amer/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("//smba.trafficmanager.net/amer/")]
    [InlineData("smba.trafficmanager.net/amer/")]
    [InlineData("/v3/conversations")]
    [InlineData("")]
    [InlineData(null)]
    public void AnythingElseIsRefused(string? serviceUrl) => Assert.Null(Defaults.Allow(serviceUrl));

    [Theory]
    [InlineData("https://bots.example.com/gcc", "https://bots.example.com/gcc", true)]
    [InlineData("https://bots.example.com/gcc", "https://bots.example.com/gcc/", true)]
    [InlineData("https://bots.example.com/gcc", "https://bots.example.com/gcc/amer/", true)]
    [InlineData("https://bots.example.com/gcc/", "https://bots.example.com/gcc/amer/", true)]
    [InlineData("https://bots.example.com/gcc", "https://bots.example.com/gccx/", false)]
    [InlineData("https://bots.example.com/gcc/", "https://bots.example.com/gcc", false)]
    [InlineData("https://bots.example.com/gcc", "https://bots.example.com/gcc/../other/", false)]
    [InlineData("https://bots.example.com/gcc", "https://bots.example.com/gcc/./../other/", false)]
    [InlineData("https://bots.example.com/gcc", "https://bots.example.com/gcc/%2e%2e/other/", false)]
    [InlineData("https://bots.example.com/gcc", "https://bots.example.com/gcc/%2E%2E%2Fother/", false)]
    [InlineData("https://bots.example.com/gcc", "https://bots.example.com/gcc/..%5Cother/", false)]
    [InlineData("https://bots.example.com/gcc", "https://bots.example.com/GCC/", false)]
    [InlineData("https://bots.example.com/gcc", "https://bots.example.com/other/gcc/", false)]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.1:5000/", true)]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.1:5001/", false)]
    [InlineData("http://127.0.0.1:5000/", "http://localhost:5000/", false)]
    [InlineData("http://127.0.0.1:5000/", "https://127.0.0.1:5000/", false)]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.1:5000@127.0.0.1:5001/", false)]
    public void PrefixesMatchWholePathSegments(string prefix, string serviceUrl, bool allowed)
    {
        var list = new ServiceUrlAllowList(Options.Create(new TeamsOptions { AllowedServiceUrls = [prefix] }));

        Assert.Equal(allowed, list.Allow(serviceUrl) is not null);
    }

    [Fact]
    public void TheAllowedFormIsTheOneTheBotCalls()
    {
        Assert.Equal("https://smba.trafficmanager.net/amer/", Defaults.Allow("HTTPS://SMBA.trafficmanager.net:443/amer/")!.AbsoluteUri);
    }

    [Fact]
    public void AConfiguredListReplacesTheDefaultOne()
    {
        var list = new ServiceUrlAllowList(Options.Create(new TeamsOptions { AllowedServiceUrls = ["https://smba.infra.gcc.teams.microsoft.com/"] }));

        Assert.NotNull(list.Allow("https://smba.infra.gcc.teams.microsoft.com/gcc/"));
        Assert.Null(list.Allow("https://smba.trafficmanager.net/amer/"));
    }
}
