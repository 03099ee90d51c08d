using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Alerts.Sources;

/// <summary>A signing key with its self-signed certificate, served by a stub in place of SNS: no test reaches AWS.</summary>
internal sealed class SnsTestKit : IDisposable
{
    public const string CertificateUrl = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-test.pem";

    public RSA Key { get; } = RSA.Create(2048);

    public StubHandler Handler { get; } = new();

    public SnsOptions Options { get; } = new();

    public string CertificatePem { get; }

    public SnsTestKit()
    {
        var request = new CertificateRequest("CN=sns.amazonaws.com", Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        CertificatePem = certificate.ExportCertificatePem();
        Handler.Serve(CertificateUrl, CertificatePem);
    }

    public SnsSignatureVerifier Verifier() =>
        new(Microsoft.Extensions.Options.Options.Create(Options), new HttpClient(Handler), NullLogger<SnsSignatureVerifier>.Instance);

    public SnsSubscriptions Subscriptions() =>
        new(Verifier(), Microsoft.Extensions.Options.Options.Create(Options), new HttpClient(Handler), NullLogger<SnsSubscriptions>.Instance);

    /// <summary>A fixture envelope signed with <paramref name="key"/> (this kit's by default) at <see cref="CertificateUrl"/>.</summary>
    public JsonObject Signed(string fixture, string version = "1", RSA? key = null)
    {
        var envelope = JsonNode.Parse(Fixtures.Read(fixture))!.AsObject();
        envelope["SigningCertURL"] = CertificateUrl;
        return Sign(envelope, version, key);
    }

    public JsonObject Sign(JsonObject envelope, string version = "1", RSA? key = null)
    {
        envelope["SignatureVersion"] = version;
        var hash = version == "2" ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;
        var signature = (key ?? Key).SignData(Encoding.UTF8.GetBytes(StringToSign(envelope)), hash, RSASignaturePadding.Pkcs1);
        envelope["Signature"] = Convert.ToBase64String(signature);
        return envelope;
    }

    public static WebhookRequest Request(JsonNode body) =>
        new(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), Encoding.UTF8.GetBytes(body.ToJsonString()), DateTimeOffset.UtcNow);

    /// <summary>Written from the AWS guide, apart from the code under test: name and value lines, byte-sorted names.</summary>
    public static string StringToSign(JsonObject envelope)
    {
        string[] names = (string?)envelope["Type"] == "Notification"
            ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
            : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
        return string.Concat(names.Where(n => envelope[n] is not null).Select(n => $"{n}\n{(string?)envelope[n]}\n"));
    }

    public void Dispose()
    {
        Key.Dispose();
        Handler.Dispose();
    }

    /// <summary>Answers only the URLs it was given (404 otherwise) and records every request.</summary>
    internal sealed class StubHandler : HttpMessageHandler
    {
        private readonly Dictionary<string, string> _responses = new(StringComparer.Ordinal);

        public List<Uri> Requests { get; } = [];

        public void Serve(string url, string body) => _responses[new Uri(url).AbsoluteUri] = body;

        public int CallsTo(string url) => Requests.Count(r => r.AbsoluteUri == new Uri(url).AbsoluteUri);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(request.RequestUri!);
            }
            return Task.FromResult(_responses.TryGetValue(request.RequestUri!.AbsoluteUri, out var body)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) }
                : new HttpResponseMessage(HttpStatusCode.NotFound));
        }
    }
}
