namespace IncidentBot.Webhooks;

/// <summary>
/// Alert intake. Section <c>Webhooks</c>:
/// <code>
/// "Webhooks": {
///   "MaxBodyBytes": 1048576,
///   "Sources": {
///     "alertmanager": { "BearerToken": "…" },
///     "generic": { "BasicUser": "…", "BasicPassword": "…" }
///   }
/// }
/// </code>
/// A source with no credentials accepts only callers on this machine (loopback).
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    public Dictionary<string, WebhookSourceOptions> Sources { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public WebhookSourceOptions For(string source) => Sources.GetValueOrDefault(source) ?? new WebhookSourceOptions();
}

/// <summary>How one source proves who it is.</summary>
public sealed class WebhookSourceOptions
{
    /// <summary>Expected in <c>Authorization: Bearer …</c>.</summary>
    public string? BearerToken { get; set; }

    public string? BasicUser { get; set; }

    public string? BasicPassword { get; set; }

    /// <summary>For sources that sign their bodies (Grafana, PagerDuty); used by their verifiers.</summary>
    public string? SigningSecret { get; set; }

    public bool HasCredentials =>
        !string.IsNullOrEmpty(BearerToken) || !string.IsNullOrEmpty(BasicUser) || !string.IsNullOrEmpty(SigningSecret);
}
