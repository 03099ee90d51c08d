using IncidentBot.Tests.Alerts.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// A bot that takes webhooks from every alert source, with processing paused so its inbox holds exactly what was
/// acknowledged: Grafana and PagerDuty signed with one secret, CloudWatch's SNS topic allowed and its signing
/// certificate served by <see cref="SnsTestKit"/>. For tests that send many bodies to every source.
/// </summary>
internal static class EverySourceApplication
{
    public const string Topic = "arn:aws:sns:ap-northeast-1:257706363616:aws-sns-topic";

    public static TheoryData<string> Sources() =>
        ["alertmanager", "grafana", "pagerduty", "opsgenie", "datadog", "cloudwatch", "azure-monitor", "generic"];

    public static IncidentBotApplication Create(string secret, SnsTestKit sns) => new(
        new()
        {
            ["Intake:PauseProcessing"] = "true",
            // Every refusal logs a warning; thousands of them on the console would cost more than the requests.
            ["Logging:LogLevel:Default"] = "Error",
            ["Webhooks:Sources:grafana:SigningSecret"] = secret,
            ["Webhooks:Sources:pagerduty:SigningSecret"] = secret,
            ["Webhooks:Sources:cloudwatch:TopicArns:0"] = Topic,
        },
        services => services.AddKeyedSingleton("sns", (_, _) => new HttpClient(sns.Handler, disposeHandler: false)));
}
