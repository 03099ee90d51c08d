using System.Net.Http.Headers;
using System.Text;
using IncidentBot.Hosting;
using Microsoft.Extensions.Options;

namespace IncidentBot.Webhooks;

/// <summary>Checks a webhook request against its source's configured credentials, before its body is read.</summary>
internal sealed class WebhookAuthenticator(IOptionsMonitor<WebhookOptions> options)
{
    /// <summary>
    /// Null when the caller may proceed; otherwise why not, safe to show (it never contains a secret).
    /// <paramref name="signed"/> says the body's signature will be verified, which stands in for header credentials.
    /// </summary>
    public string? Check(string source, HttpRequest request, bool signed)
    {
        var credentials = options.CurrentValue.For(source);
        var headerCredentials = !string.IsNullOrEmpty(credentials.BearerToken) || !string.IsNullOrEmpty(credentials.BasicUser);
        if (signed && !headerCredentials)
        {
            return null;
        }
        if (!credentials.HasCredentials)
        {
            // On this machine, addressed as localhost, and not from a page of another site (DNS rebinding, cross-site forms).
            return LoopbackTrust.Refusal(request.HttpContext) is null
                ? null
                : $"The '{source}' source has no credentials configured, so only callers on this machine addressing it as localhost, 127.0.0.1 or [::1] are accepted. Set Webhooks:Sources:{source}:BearerToken (or BasicUser and BasicPassword).";
        }

        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header) || string.IsNullOrEmpty(header.Parameter))
        {
            return "The request has no Authorization header.";
        }
        var accepted = header.Scheme.ToLowerInvariant() switch
        {
            "bearer" => !string.IsNullOrEmpty(credentials.BearerToken) && Secrets.Same(header.Parameter, credentials.BearerToken),
            "basic" => !string.IsNullOrEmpty(credentials.BasicUser) && BasicMatches(header.Parameter, credentials),
            _ => false,
        };
        return accepted ? null : $"The {header.Scheme} credentials do not match those configured for '{source}'.";
    }

    private static bool BasicMatches(string encoded, WebhookSourceOptions credentials)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = decoded.IndexOf(':');
        return colon > 0
            & Secrets.Same(decoded[..colon], credentials.BasicUser!)
            & Secrets.Same(decoded[(colon + 1)..], credentials.BasicPassword ?? "");
    }
}
