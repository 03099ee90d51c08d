using System.Text.RegularExpressions;

namespace IncidentBot.Alerts.Sources;

/// <summary>
/// Which Amazon SNS topics may deliver CloudWatch alarms, and where SNS certificates and confirmations may come from.
/// Bound from <c>Webhooks:Sources:cloudwatch</c>:
/// <code>
/// "cloudwatch": {
///   "TopicArns": [ "arn:aws:sns:eu-west-1:123456789012:alarms" ],
///   "CertificateHostPattern": "^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$",
///   "RequireHttpsCertificates": true
/// }
/// </code>
/// </summary>
public sealed class SnsOptions
{
    public const string DefaultCertificateHostPattern = @"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$";

    /// <summary>Only these topics' subscriptions are confirmed and their messages accepted; empty accepts none.</summary>
    public List<string> TopicArns { get; set; } = [];

    /// <summary>
    /// Hosts that <c>SigningCertURL</c> and <c>SubscribeURL</c> may name. SNS messages say where to fetch their own
    /// certificate, so without this check anyone could sign with a key of their own.
    /// </summary>
    public string CertificateHostPattern { get; set; } = DefaultCertificateHostPattern;

    /// <summary>Fetch certificates and confirm subscriptions over HTTPS only. Only tests turn this off.</summary>
    public bool RequireHttpsCertificates { get; set; } = true;

    private Regex? _hostPattern;

    public bool AllowsTopic(string? topicArn) => topicArn is not null && TopicArns.Contains(topicArn, StringComparer.Ordinal);

    /// <summary>The URL when SNS may be asked for it (allowed host, HTTPS unless turned off); otherwise null.</summary>
    public Uri? AllowedUrl(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return null;
        }
        var schemeAllowed = uri.Scheme == Uri.UriSchemeHttps || (!RequireHttpsCertificates && uri.Scheme == Uri.UriSchemeHttp);
        if (_hostPattern?.ToString() != CertificateHostPattern)
        {
            _hostPattern = new Regex(CertificateHostPattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100));
        }
        return schemeAllowed && _hostPattern.IsMatch(uri.Host) ? uri : null;
    }
}
