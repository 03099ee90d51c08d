using IncidentBot.Storage;
using IncidentBot.Storage.Postgres;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>What a change-feed notification may carry: kinds and numbers in a strict shape; anything else is refused whole.</summary>
public sealed class PostgresChangePayloadTests
{
    internal const string Origin = "0123456789abcdef0123456789abcdef";

    /// <summary>Payloads no replica writes: other formats, numbers out of range or in other forms, text, markup, injected tokens.</summary>
    public static TheoryData<string> Malformed => new(MalformedPayloads);

    internal static readonly string[] MalformedPayloads =
    [
        "",
        "garbage",
        "1",
        $"1 {Origin}",
        $"2 {Origin} i5",
        $"01 {Origin} i5",
        $"1 {Origin.ToUpperInvariant()} i5",
        $"1 {Origin[..31]} i5",
        $"1 {Origin}0 i5",
        $"1 {Origin.Replace('a', 'g')} i5",
        $"1 {Origin} x5",
        $"1 {Origin} i",
        $"1 {Origin} i0",
        $"1 {Origin} i-1",
        $"1 {Origin} i+1",
        $"1 {Origin} i01",
        $"1 {Origin} i2147483648",
        $"1 {Origin} i99999999999999999999",
        $"1 {Origin} i 5",
        $"1 {Origin}  i5",
        $"1 {Origin} i5 ",
        $"1 {Origin} i5\n",
        $"1 {Origin} i\uFF15",
        $"1 {Origin} i٥",
        $"1 {Origin} i5.5",
        $"1 {Origin} I5",
        $"1 {Origin} r5",
        $"1 {Origin} r5.",
        $"1 {Origin} r.5",
        $"1 {Origin} r5.0",
        $"1 {Origin} r0.5",
        $"1 {Origin} r5.5.5",
        $"1 {Origin} r5.9223372036854775808",
        $"1 {Origin} s5",
        $"1 {Origin} S",
        $"1 {Origin} i5 <script>alert(1)</script>",
        $"1 {Origin} i5 i6 bad",
        $"1 {Origin} i5 \"note the database password is hunter2\"",
        $"1 {Origin} i5\0",
        "{\"kind\":\"incident\",\"number\":5}",
        $"1\t{Origin}\ti5",
        $"1 {Origin} " + string.Join(' ', Enumerable.Repeat("i5", 4000)),
    ];

    [Theory]
    [MemberData(nameof(Malformed))]
    public void AMalformedPayloadIsRefusedWholeWithAReason(string payload)
    {
        Assert.False(PostgresChangePayload.TryDecode(payload, out var origin, out var changes, out var problem));
        Assert.Empty(changes);
        Assert.Equal("", origin);
        Assert.NotEmpty(problem);
    }

    [Fact]
    public void EveryKindOfChangeComesBackAsSent()
    {
        Change[] sent = [Change.IncidentChanged(1), Change.RoomMessageAdded(7, 123_456_789_012), Change.Resync, Change.IncidentChanged(int.MaxValue), Change.RoomMessageAdded(int.MaxValue, long.MaxValue)];

        var payload = Assert.Single(PostgresChangePayload.Encode(Origin, sent));

        Assert.True(PostgresChangePayload.TryDecode(payload, out var origin, out var changes, out _));
        Assert.Equal(Origin, origin);
        Assert.Equal(sent, changes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(700)]
    [InlineData(5_000)]
    [InlineData(20_000)]
    public void AStormOfChangesIsSplitIntoPayloadsPostgreSqlTakesAndComesBackInOrder(int count)
    {
        var random = new Random(count);
        var sent = Enumerable.Range(0, count)
            .Select(i => random.Next(3) == 0 ? Change.RoomMessageAdded(random.Next(1, int.MaxValue), random.NextInt64(1, long.MaxValue)) : Change.IncidentChanged(random.Next(1, int.MaxValue)))
            .ToList();

        var payloads = PostgresChangePayload.Encode(Origin, sent);

        Assert.All(payloads, p => Assert.True(System.Text.Encoding.UTF8.GetByteCount(p) < 8000, $"a payload of {p.Length} bytes"));
        var received = new List<Change>();
        foreach (var payload in payloads)
        {
            Assert.True(PostgresChangePayload.TryDecode(payload, out _, out var changes, out var problem), problem);
            received.AddRange(changes);
        }
        Assert.Equal(sent, received);
    }

    [Fact]
    public void ReplicaNamesAreNewEachTime()
    {
        var names = Enumerable.Range(0, 100).Select(_ => PostgresChangePayload.NewOrigin()).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, name => Assert.True(PostgresChangePayload.TryDecode($"1 {name} s", out _, out _, out _)));
    }
}
