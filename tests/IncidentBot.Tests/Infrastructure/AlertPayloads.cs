namespace IncidentBot.Tests.Infrastructure;

/// <summary>Alertmanager notifications shaped like the captured ones in shared/fixtures, for alerts our runbooks match.</summary>
public static class AlertPayloads
{
    /// <summary>Matches the shipped database-failover runbook (<c>alertname=PostgresPrimaryDown</c>).</summary>
    public const string PostgresPrimaryDown = """
        {"version":"4","groupKey":"{}:{alertname=\"PostgresPrimaryDown\"}","status":"firing","alerts":[{"status":"firing",
         "labels":{"alertname":"PostgresPrimaryDown","service":"orders-db","severity":"critical"},
         "annotations":{"summary":"Orders primary database is down"},"fingerprint":"0a1b2c3d4e5f6a7b"}]}
        """;
}
