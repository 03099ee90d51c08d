using IncidentBot.Inbound;

namespace IncidentBot.Tests.Inbound;

/// <summary>
/// A body is read whole up to its limit and refused past it, whatever its Content-Length says: missing, true, too short
/// or too long, and whatever pieces the connection hands it over in.
/// </summary>
public sealed class BoundedBodyReaderTests
{
    private const long Limit = 64 * 1024;

    public static TheoryData<int, int> Sizes()
    {
        var data = new TheoryData<int, int>();
        foreach (var size in new[] { 0, 1, 100, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 40_000, (int)Limit })
        {
            foreach (var piece in new[] { 1, 7, 4096, 100_000 })
            {
                data.Add(size, piece);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task ABodyWithinTheLimitIsReadWholeWithOrWithoutItsLength(int size, int piece)
    {
        var bytes = Body(size);

        Assert.Equal(bytes, await BoundedBodyReader.ReadAsync(new PiecewiseStream(bytes, piece), size, Limit, CancellationToken.None));
        Assert.Equal(bytes, await BoundedBodyReader.ReadAsync(new PiecewiseStream(bytes, piece), null, Limit, CancellationToken.None));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 4096)]
    [InlineData(1000, 1)]
    [InlineData(1000, 100_000)]
    [InlineData(60_000, 4096)]
    public async Task ABodyLongerThanItSaysIsReadOnUnderTheLimit(int declared, int piece)
    {
        var bytes = Body(declared + 500);

        Assert.Equal(bytes, await BoundedBodyReader.ReadAsync(new PiecewiseStream(bytes, piece), declared, Limit, CancellationToken.None));
    }

    [Theory]
    [InlineData(0, 4096)]
    [InlineData(1, 1)]
    [InlineData(1000, 7)]
    [InlineData(60_000, 100_000)]
    public async Task ABodyLongerThanItSaysIsRefusedPastTheLimit(int declared, int piece)
    {
        var bytes = Body((int)Limit + 1);

        Assert.Null(await BoundedBodyReader.ReadAsync(new PiecewiseStream(bytes, piece), declared, Limit, CancellationToken.None));
    }

    [Theory]
    [InlineData(10, 0)]
    [InlineData(1000, 999)]
    [InlineData(60_000, 16 * 1024)]
    public async Task ABodyShorterThanItSaysIsWhatCame(int declared, int actual)
    {
        var bytes = Body(actual);

        Assert.Equal(bytes, await BoundedBodyReader.ReadAsync(new PiecewiseStream(bytes, 4096), declared, Limit, CancellationToken.None));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(100_000)]
    public async Task ABodyPastTheLimitIsRefusedWithOrWithoutItsLength(int piece)
    {
        var bytes = Body((int)Limit + 1);

        Assert.Null(await BoundedBodyReader.ReadAsync(new PiecewiseStream(bytes, piece), bytes.Length, Limit, CancellationToken.None));
        Assert.Null(await BoundedBodyReader.ReadAsync(new PiecewiseStream(bytes, piece), null, Limit, CancellationToken.None));
    }

    [Fact]
    public async Task ALengthPastTheLimitIsRefusedBeforeAnythingIsRead()
    {
        var stream = new PiecewiseStream(Body(10), 10);

        Assert.Null(await BoundedBodyReader.ReadAsync(stream, Limit + 1, Limit, CancellationToken.None));
        Assert.Equal(0, stream.Position);
    }

    private static byte[] Body(int size) => Enumerable.Range(0, size).Select(i => (byte)(i * 31 + 7)).ToArray();

    /// <summary>A request body as a connection hands it over: at most <paramref name="piece"/> bytes per read.</summary>
    private sealed class PiecewiseStream(byte[] bytes, int piece) : MemoryStream(bytes, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, piece));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, piece)]);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, piece), cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, piece)], cancellationToken);
    }
}
