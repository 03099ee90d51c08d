using IncidentBot.Alerts.Sources;

namespace IncidentBot.Tests.Alerts.Sources;

public sealed class SnsOptionsTests
{
    [Theory]
    [InlineData("https://sns.us-east-1.amazonaws.com/x.pem", true)]
    [InlineData("https://sns.cn-north-1.amazonaws.com.cn/x.pem", true)]
    [InlineData("https://SNS.EU-WEST-1.AMAZONAWS.COM/x.pem", true)]
    [InlineData("https://sqs.us-east-1.amazonaws.com/x.pem", false)]
    [InlineData("https://sns.amazonaws.com/x.pem", false)]
    [InlineData("https://sns.us-east-1.amazonaws.com.cn.evil.example/x.pem", false)]
    [InlineData("http://sns.us-east-1.amazonaws.com/x.pem", false)]
    [InlineData("/x.pem", false)]
    [InlineData(null, false)]
    public void TheDefaultsAllowOnlySnsHostsOverHttps(string? url, bool allowed) =>
        Assert.Equal(allowed, new SnsOptions().AllowedUrl(url) is not null);

    [Fact]
    public void AChangedPatternTakesEffect()
    {
        var options = new SnsOptions();
        Assert.NotNull(options.AllowedUrl("https://sns.us-east-1.amazonaws.com/x.pem"));

        options.CertificateHostPattern = @"^sns\.eu-west-1\.amazonaws\.com$";

        Assert.Null(options.AllowedUrl("https://sns.us-east-1.amazonaws.com/x.pem"));
        Assert.NotNull(options.AllowedUrl("https://sns.eu-west-1.amazonaws.com/x.pem"));
    }

    [Fact]
    public void OnlyConfiguredTopicsAreAllowed()
    {
        var options = new SnsOptions { TopicArns = ["arn:aws:sns:us-east-1:123456789012:alarms"] };

        Assert.True(options.AllowsTopic("arn:aws:sns:us-east-1:123456789012:alarms"));
        Assert.False(options.AllowsTopic("arn:aws:sns:us-east-1:123456789012:ALARMS"));
        Assert.False(options.AllowsTopic(null));
        Assert.False(new SnsOptions().AllowsTopic("arn:aws:sns:us-east-1:123456789012:alarms"));
    }
}
