using System.Text.Json;
using IncidentBot.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Alerts.Sources;

public sealed class SnsEnvelopeTests
{
    [Fact]
    public void ANotificationSignsItsSubjectAmongTheDocumentedFields() => Assert.Equal(
        "Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nMy First Message\n"
        + "Timestamp\n2012-05-02T00:54:06.655Z\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n",
        StringToSign("alerts/cloudwatch/sns-http-notification-hello-world.json"));

    [Fact]
    public void AConfirmationSignsItsSubscribeUrlAndToken() => Assert.Equal(
        "Message\nYou have chosen to deactivate subscription arn:aws:sns:us-west-2:123456789012:MyTopic:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55.\n"
        + "To cancel this operation and restore the subscription, visit the SubscribeURL included in this message.\n"
        + "MessageId\n47138184-6831-46b8-8f7c-afc488602d7d\n"
        + "SubscribeURL\nhttps://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37fb6...\n"
        + "Timestamp\n2012-04-26T20:06:41.581Z\nToken\n2336412f37...\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nUnsubscribeConfirmation\n",
        StringToSign("alerts/cloudwatch/sns-http-unsubscribe-confirmation.json"));

    [Fact]
    public void AMissingSignedFieldIsNamed()
    {
        using var json = JsonDocument.Parse("""{"Type":"SubscriptionConfirmation","Message":"m","MessageId":"1","Timestamp":"t","TopicArn":"a"}""");

        Assert.Null(SnsEnvelope.StringToSign(json.RootElement, out var missing));
        Assert.Equal("SubscribeURL", missing);
    }

    private static string? StringToSign(string fixture)
    {
        using var json = JsonDocument.Parse(Fixtures.Read(fixture));
        return SnsEnvelope.StringToSign(json.RootElement, out _);
    }
}
